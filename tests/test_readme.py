"""The README is tested: every fenced example runs as written, and printed output is compared.

* ``python`` blocks run in order in one namespace (as a reader pasting them into one session),
  in a scratch folder, with the real painkg, rdflib, pydot and Graphviz.
* ``sh`` blocks: every ``painkg …`` command runs through the shell as written (pipes included)
  from a scratch folder holding what the commands name (the example queries, a small ``my-kb/``),
  against a real Oxigraph server where a command names one; ``painkg serve`` must start and
  answer, then is stopped.  ``pip install …`` and ``./scripts/test.sh`` are what CI itself runs.
* a ``text`` block that starts with ``$ painkg …`` is that command's output: each line shown
  (but ``…``) must appear, in order, in what the command prints today.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
_FENCE = re.compile(r"^```(\w*)\n(.*?)^```", re.S | re.M)
#: Shell lines the suite does not run itself: CI runs them (the README's own set-up commands).
NOT_RUN_HERE = ("pip install", "./scripts/test.sh")


def blocks(kind: str) -> list[tuple[int, str]]:
    text = README.read_text(encoding="utf-8")
    return [(text[:m.start()].count("\n") + 1, m.group(2)) for m in _FENCE.finditer(text) if m.group(1) == kind]


def _commands(code: str) -> list[str]:
    out = []
    for line in code.splitlines():
        line = line.strip()
        if line.startswith("$ "):
            line = line[2:]
        if "&&" in line:  # "pip install '.[web]' && painkg trace …": the install is CI's; the trace is ours
            line = line.split("&&", 1)[1].strip()
        if not line or line.startswith(NOT_RUN_HERE) or not line.startswith("painkg"):
            continue
        # A trailing comment is for the reader; the shell drops it too, but keep it off argv explicitly.
        out.append(re.sub(r"\s+#(?![^'\"]*['\"]).*$", "", line))
    return out


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("readme")
    shutil.copytree(ROOT / "ontology" / "queries", folder / "ontology" / "queries")
    kb = folder / "my-kb"
    kb.mkdir()
    # "painkg validate my-kb/ --merge": a clinic's own table of one new symptom, merged with the bundled KB.
    (kb / "nodes-symptom.tsv").write_text(
        "id\tlabel\tsynonyms\tcodes\tregion\tdefinition\tred_flag\trole\tprior\treferences\n"
        "clinic-groin-ache\tclinic groin ache\t\t\thip\tThe clinic's own name for a dull groin ache.\t\t\t\t\n",
        encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def store_7878(tmp_path_factory):
    """The Oxigraph server the README's push and from_store examples name (localhost:7878)."""
    program = shutil.which("oxigraph") or shutil.which("oxigraph", path=str(Path(sys.executable).parent))
    if program is None:
        pytest.fail("the `oxigraph` server is not installed (./scripts/test.sh installs it)")
    if not _free(7878):
        pytest.fail("port 7878, which the README's examples name, is in use")
    server = subprocess.Popen([program, "serve", "--location", str(tmp_path_factory.mktemp("store")),
                               "--bind", "127.0.0.1:7878"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    while _free(7878):
        if server.poll() is not None or time.monotonic() > deadline:
            server.kill()
            pytest.fail("oxigraph did not start")
        time.sleep(0.1)
    yield
    server.terminate()
    server.wait(timeout=10)


def _env() -> dict[str, str]:
    env = dict(os.environ, PAINKG_CACHE="off", NO_COLOR="1", PYTHONPATH=str(ROOT))
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return env


def test_python_examples_run_as_written(scratch, store_7878, monkeypatch):
    monkeypatch.chdir(scratch)
    namespace: dict = {"__name__": "__readme__"}
    for line, code in blocks("python"):
        out = io.StringIO()
        try:
            with contextlib.redirect_stdout(out):
                exec(compile(code, f"README.md:{line}", "exec"), namespace)  # noqa: S102 - the README is ours
        except Exception as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"README.md:{line}: {type(exc).__name__}: {exc}")
    assert namespace["result"].candidates, "the first example's trace found nothing"


def _shell_lines():
    return [(line, command) for line, code in blocks("sh") for command in _commands(code)]


@pytest.mark.parametrize(("line", "command"), _shell_lines(), ids=[c[:60] for _, c in _shell_lines()])
def test_shell_examples_run_as_written(scratch, store_7878, line, command):
    if command.startswith("painkg serve"):
        port = re.search(r"--port (\d+)", command)
        port = int(port.group(1)) if port else 8000
        if not _free(port):
            pytest.fail(f"README.md:{line}: port {port} is in use")
        server = subprocess.Popen(command, shell=True, cwd=scratch, env=_env(),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/settings", timeout=5) as reply:
                        assert reply.status == 200
                        break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"README.md:{line}: {command!r} did not start: "
                                    f"{server.stderr.read().decode(errors='replace')[-500:]}")
                    time.sleep(0.2)
        finally:
            os.killpg(server.pid, 15)
            server.wait(timeout=10)
            server.stderr.close()
        return
    done = subprocess.run(command, shell=True, cwd=scratch, env=_env(), capture_output=True, text=True,
                          timeout=300, executable="/bin/bash")
    assert done.returncode == 0, f"README.md:{line}: {command!r} exited {done.returncode}: {done.stderr[-800:]}"


def test_printed_output_matches_the_readme(scratch):
    compared = 0
    for line, code in blocks("text"):
        shown = code.splitlines()
        if not shown or not shown[0].startswith("$ painkg"):
            continue
        done = subprocess.run(shown[0][2:], shell=True, cwd=scratch, env=_env(), capture_output=True, text=True,
                              timeout=300)
        assert done.returncode == 0, done.stderr
        printed = [x.rstrip() for x in done.stdout.splitlines()]
        at = 0
        for expected in (x.rstrip() for x in shown[1:]):
            if expected.strip() in ("…", "...", ""):
                continue
            try:
                at = printed.index(expected, at) + 1
            except ValueError:
                pytest.fail(f"README.md:{line}: the README shows {expected!r}, which `{shown[0][2:]}` no longer prints "
                            f"(in this order); it prints:\n" + "\n".join(printed[:40]))
        compared += 1
    assert compared >= 1
