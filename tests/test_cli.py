"""The command line: real subprocesses, exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

MINI = str(Path(__file__).parent / "data" / "mini")


def run(*args: str, check: int | None = 0) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "painkg", *args], capture_output=True, text=True, timeout=120)
    if check is not None:
        assert proc.returncode == check, proc.stderr
    assert "Traceback" not in proc.stderr
    return proc


def test_help_lists_every_command():
    out = run("--help").stdout
    for command in ("trace", "show", "search", "validate", "stats"):
        assert command in out
    assert "not diagnose" in out


@pytest.mark.parametrize("command", ["trace", "show", "search", "validate", "stats"])
def test_every_command_has_help(command):
    assert "usage: painkg " + command in run(command, "--help").stdout


def test_trace_text_and_json():
    out = run("trace", "groin pain", "limited hip internal rotation", "--kb", MINI).stdout
    assert "hip osteoarthritis" in out and "not a diagnosis" in out
    data = json.loads(run("trace", "low back pain", "--absent", "SLR", "--json", "--kb", MINI).stdout)
    assert {"candidates", "red_flags", "next_findings", "observations"} <= set(data)
    assert data["observations"][1]["present"] is False


def test_unknown_term_is_one_line_with_suggestions():
    proc = run("trace", "coxarthosis", "zzzz", "--kb", MINI, check=2)
    assert proc.stderr.count("\n") == 1
    assert "unknown term 'zzzz'" in proc.stderr


def test_bad_option_value_names_it():
    proc = run("trace", "groin pain", "--limit", "zero", "--kb", MINI, check=2)
    assert "'zero' is not a positive whole number" in proc.stderr
    assert proc.stderr.count("\n") == 1


def test_show_search_stats_validate():
    assert "hip joint" in run("show", "coxarthrosis", "--kb", MINI).stdout
    shown = json.loads(run("show", "hip-oa", "--json", "--kb", MINI).stdout)
    assert shown["node"]["codes"] == ["ICD10CM:M16.9"]
    assert run("search", "groin", "--kb", MINI).stdout.split()[0] == "groin"
    stats = json.loads(run("stats", "--json", "--kb", MINI).stdout)
    assert stats["nodes"] == 16 and stats["edges_with_evidence"] == stats["edges"] == 15
    assert run("validate", MINI).stdout.startswith("ok: 16 nodes, 15 edges")


def test_show_names_the_kind_of_each_reference():
    # The explorer showed it; `painkg show` printed the keys alone (newcomer review, issue 22).
    text = run("show", "hip-osteoarthritis").stdout
    assert "jamarce_hipoa (systematic review)" in text and "evidence: seed, altman1991 (cohort" in text
    shown = json.loads(run("show", "hip-osteoarthritis", "--json").stdout)
    climbing = next(e for e in shown["out"] if e["target"] == "climbing-stairs")
    assert climbing["references"] == ["jamarce_hipoa"] and climbing["evidence_kinds"] == ["systematic-review"]


def test_validate_lists_every_problem(tmp_path):
    (tmp_path / "nodes-condition.tsv").write_text("id\tlabel\n", encoding="utf-8")
    (tmp_path / "nodes-elbow.tsv").write_text("id\n", encoding="utf-8")
    proc = run("validate", str(tmp_path), check=1)  # bad data: 1; bad usage: 2
    assert "nodes-condition.tsv:1: header must be" in proc.stderr
    assert "unknown node kind 'elbow'" in proc.stderr


def test_merge_needs_kb():
    assert "--merge needs --kb FOLDER" in run("stats", "--merge", check=2).stderr


def test_no_command_prints_help():
    assert "usage:" in run(check=2).stdout
