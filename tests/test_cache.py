"""The on-disk cache gives back exactly what a full load builds, and never a stale answer."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

import painkg
from painkg.kb import cache
from painkg.kb.vocab import Area, Grade, Kind, Relation

PHRASINGS = Path(__file__).parent / "phrasings.tsv"


@pytest.fixture
def cache_folder(tmp_path, monkeypatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("PAINKG_CACHE", str(folder))
    return folder


def _snapshot(kg: painkg.KnowledgeGraph):
    nodes = {n: dict(d) for n, d in kg.graph.nodes(data=True)}
    edges = sorted((s, t, r.value, type(r).__name__, sorted(d.items(), key=str))
                   for s, t, r, d in kg.graph.edges(keys=True, data=True))
    return nodes, edges, kg.references


def test_a_cached_load_equals_a_full_load(cache_folder):
    built = painkg.load()
    assert sorted(p.suffix for p in cache_folder.iterdir()) == [".kb"]
    cached = painkg.load()
    uncached = painkg.load(cache=False)
    assert _snapshot(cached) == _snapshot(uncached) == _snapshot(built)
    # Types survive the trip, not just values: enums compare equal to their strings.
    data = cached.graph.nodes["hip-osteoarthritis"]
    assert type(data["kind"]) is Kind and type(data["region"]) is Area
    assert all(type(r) is Relation and type(d["strength"]) is Grade
               for _, _, r, d in cached.graph.edges(keys=True, data=True))


def test_a_cached_index_finds_what_a_built_one_finds(cache_folder):
    assert painkg.load().index.best("groin pain")  # writes the index entry
    assert sorted(p.suffix for p in cache_folder.iterdir()) == [".index", ".kb"]
    cached, built = painkg.load().index, painkg.load(cache=False).index
    with PHRASINGS.open(encoding="utf-8", newline="") as f:
        texts = [row[0] for row in csv.reader(f, delimiter="\t") if row and not row[0].startswith("#")]
    assert len(texts) > 100
    for text in texts + ["sacro-iliac", "corda equina", "pain on FADIR"]:
        assert cached.search(text) == built.search(text), text
        assert cached.best(text) == built.best(text), text


def test_an_edited_table_is_never_served_stale(cache_folder, mini_copy):
    assert painkg.load(mini_copy).node("hip-oa").label != "coxarthrosis of the hip"
    table = mini_copy / "nodes-condition.tsv"
    text = table.read_text(encoding="utf-8")
    row = next(line for line in text.splitlines() if line.startswith("hip-oa\t"))
    cells = row.split("\t")
    cells[1] = "coxarthrosis of the hip"
    table.write_text(text.replace(row, "\t".join(cells)), encoding="utf-8")
    kg = painkg.load(mini_copy)
    assert kg.node("hip-oa").label == "coxarthrosis of the hip"
    assert kg.resolve("coxarthrosis of the hip").id == "hip-oa"


def test_an_invalid_edit_still_fails_after_a_cached_load(cache_folder, mini_copy):
    painkg.load(mini_copy)
    with (mini_copy / "edges-clinical.tsv").open("a", encoding="utf-8") as f:
        f.write("hip-oa\tpresents-with\tnowhere\ttypical\t\t\t\t\t\t\t\tseed\t\n")
    with pytest.raises(painkg.KBError, match="unknown target 'nowhere'"):
        painkg.load(mini_copy)


@pytest.mark.parametrize("garbage", [b"", b"\x00\x01 not marshal", b"\xe9" * 100])
def test_damaged_entries_are_rebuilt(cache_folder, garbage):
    assert painkg.load().index.best("groin pain")
    for entry in cache_folder.iterdir():
        entry.write_bytes(garbage)
    kg = painkg.load()
    assert _snapshot(kg) == _snapshot(painkg.load(cache=False))
    assert kg.resolve("coxarthrosis").id == "hip-osteoarthritis"


def test_well_formed_entries_of_the_wrong_shape_are_rebuilt(cache_folder):
    import marshal

    assert painkg.load().index.best("groin pain")
    for entry in cache_folder.iterdir():
        entry.write_bytes(marshal.dumps({"nodes": [1, 2], "edges": None}))
    kg = painkg.load()
    assert kg.graph.number_of_edges() == painkg.load(cache=False).graph.number_of_edges()
    assert kg.resolve("coxarthrosis").id == "hip-osteoarthritis"


@pytest.mark.parametrize("setting", ["off", "0", "no", ""])
def test_caching_can_be_turned_off(tmp_path, monkeypatch, setting):
    monkeypatch.setenv("PAINKG_CACHE", setting)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    monkeypatch.setenv("HOME", str(tmp_path))
    assert painkg.load().index.best("groin pain")
    assert cache.cache_dir() is None
    assert list(tmp_path.iterdir()) == []


def test_default_folder_follows_xdg(tmp_path, monkeypatch):
    monkeypatch.delenv("PAINKG_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "painkg"


def test_an_unwritable_cache_is_skipped(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("PAINKG_CACHE", str(blocker / "cache"))
    assert painkg.load().resolve("coxarthrosis").id == "hip-osteoarthritis"
    assert blocker.read_text() == "not a folder"


def test_old_entries_are_pruned(cache_folder, mini_copy, monkeypatch):
    monkeypatch.setattr(cache, "KEEP", 2)
    table = mini_copy / "nodes-condition.tsv"
    original = table.read_text(encoding="utf-8")
    for i in range(4):
        table.write_text(original + f"# edit {i}\n", encoding="utf-8")
        assert painkg.load(mini_copy).index.best("groin pain")
    assert len(list(cache_folder.glob("*.kb"))) == 2
    assert len(list(cache_folder.glob("*.index"))) <= 2
    assert not [p for p in cache_folder.iterdir() if p.name.startswith(".")]  # no temporary files left


def test_the_key_covers_folder_order_and_content(tmp_path):
    from painkg.kb.tables import read_table

    a, b = tmp_path / "a.tsv", tmp_path / "b.tsv"
    a.write_text("x"), b.write_text("y")
    ta, tb = read_table(a, "nodes", []), read_table(b, "nodes", [])
    key = cache.content_key([ta, tb], folders=[tmp_path])
    assert key == cache.content_key([ta, tb], folders=[tmp_path])
    assert key != cache.content_key([tb, ta], folders=[tmp_path])
    assert key != cache.content_key([ta, tb], folders=[tmp_path, tmp_path])
    b.write_text("z")
    assert key != cache.content_key([ta, read_table(b, "nodes", [])], folders=[tmp_path])
    # The key is of the bytes read, not of the file as it is now: those bytes are what the load parses.
    assert key == cache.content_key([ta, tb], folders=[tmp_path])


def test_cache_files_are_private(cache_folder):
    painkg.load()
    assert cache_folder.stat().st_mode & 0o077 == 0 or os.name != "posix"


def test_no_home_folder_means_no_cache(monkeypatch):
    monkeypatch.delenv("PAINKG_CACHE")
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    monkeypatch.delenv("HOME", raising=False)
    monkeypatch.setattr("pathlib.Path.home", lambda: (_ for _ in ()).throw(RuntimeError("no home")))
    assert cache.cache_dir() is None
    assert painkg.load().resolve("coxarthrosis").id == "hip-osteoarthritis"


def test_the_compiled_diagnosis_is_kept_beside_the_kb(cache_folder):
    from painkg.trace.compile import diagnostic_table

    terms = ["groin pain", "limited hip internal rotation", "low back pain"]
    first = painkg.load()
    expected = [(c.node.id, c.score) for c in first.trace(terms).candidates]
    assert list(cache_folder.glob("*.diagnosis"))
    again = painkg.load()  # a new graph, from the cache: its rows are read, not compiled
    assert [(c.node.id, c.score) for c in again.trace(terms).candidates] == expected
    table = diagnostic_table(again.graph)
    assert table._index is None  # nothing was compiled
    assert table._rows == diagnostic_table(first.graph)._rows


def test_a_damaged_diagnosis_entry_is_compiled_again(cache_folder):
    from painkg.trace.compile import diagnostic_table

    painkg.load().trace(["groin pain"])
    (entry,) = cache_folder.glob("*.diagnosis")
    entry.write_bytes(entry.read_bytes()[:-40])  # truncated: its hash no longer matches
    kg = painkg.load()
    assert kg.trace(["groin pain"]).candidates[0].node.id == "hip-osteoarthritis"
    assert diagnostic_table(kg.graph)._index is not None  # compiled, not served damaged
