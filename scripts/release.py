"""Build a painkg data release, ``dist/release-<version>/``, from a clean checkout of a commit.

The commit (default ``HEAD``) is unpacked with ``git archive`` into a temporary folder, so that
nothing else of the working tree (uncommitted edits, untracked files, painkg's cache) reaches
the release; the painkg of that checkout then writes, with the knowledge base loaded without
the cache:

    kgx/nodes.tsv, kgx/edges.tsv          KGX TSV (Biolink categories, predicates, association classes)
    kgx/nodes.jsonl, kgx/edges.jsonl      the same rows as KGX JSON Lines
    kgx/painkg.json                       references and model tables (what from_kgx needs besides)
    painkg.ttl                            the whole knowledge base as RDF (Turtle)
    schema.ttl                            the OWL ontology (ontology/painkg.ttl)
    mappings.sssom.tsv                    the SSSOM table of standard identifiers
    graph-summary.yaml                    kgx graph-summary (kgx-map) of the KGX files
    merge.yaml                            a kgx merge configuration: painkg with another KGX graph
    dataset.ttl                           VoID/DCAT: version, licence, creation date, commit, the files
    LICENSE, README.md                    the licences, and what is where

kgx runs offline (``tests/kgx_offline.py``), so the ``kgx`` extra must be installed
(``pip install -e '.[kgx]'``).  No git tag is made: tagging is the maintainer's step.

Usage: ``python scripts/release.py [--commit REV] [--out dist] [--date YYYY-MM-DD] [--force]``
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

MERGE_YAML = """\
# Merge painkg {version} with another KGX graph: kgx merge --merge-config merge.yaml
# Paths are relative to this file.  Put the other graph's KGX files in other/ (or change the
# filenames below); the merged graph is written to merged/ as TSV in a tar.gz and as JSON Lines.
# painkg's own node and edge ids use the painkg.node and painkg.edge prefixes (painkg: is the
# schema, in original_predicate), declared here so that kgx expands them.
# Nodes join where both graphs use the same id (MONDO, HP, UBERON, ...); edges are keyed by
# subject, predicate and object.  kgx 2.6 rewrites every node's provided_by to the graph name
# (biolink/kgx#463); edge primary_knowledge_source survives.
configuration:
  output_directory: merged
  checkpoint: false
  prefix_map:
    painkg: https://w3id.org/painkg/schema#
    painkg.node: https://w3id.org/painkg/node/
    painkg.edge: https://w3id.org/painkg/edge/
merged_graph:
  name: painkg {version} merged
  source:
    painkg:
      name: painkg {version}
      input:
        format: tsv
        filename:
          - kgx/nodes.tsv
          - kgx/edges.tsv
    other:
      name: another KGX graph
      input:
        format: jsonl
        filename:
          - other/nodes.jsonl
          - other/edges.jsonl
  destination:
    merged-kg-tsv:
      format: tsv
      compression: tar.gz
      filename: merged-kg
    merged-kg-jsonl:
      format: jsonl
      filename: merged-kg
"""

README = """\
# painkg {version}: data release

Built by `scripts/release.py` on {created} from commit `{commit}`.
The data is licensed under CC BY 4.0 and the code that builds it under MIT (`LICENSE`).

| file | what |
|---|---|
| `kgx/nodes.tsv`, `kgx/edges.tsv` | KGX TSV: {nodes} nodes and {edges} edges, Biolink-valid |
| `kgx/nodes.jsonl`, `kgx/edges.jsonl` | the same rows as KGX JSON Lines |
| `kgx/painkg.json` | references and model tables: `painkg.from_kgx("kgx/")` reads the folder back |
| `painkg.ttl` | the knowledge base as RDF (Turtle, {triples} triples) under https://w3id.org/painkg/ |
| `schema.ttl` | the OWL ontology (OWL 2 DL) |
| `mappings.sssom.tsv` | standard identifiers of the nodes (SSSOM) |
| `graph-summary.yaml` | `kgx graph-summary` of the KGX files |
| `merge.yaml` | a `kgx merge` configuration: painkg with another KGX graph |
| `dataset.ttl` | VoID/DCAT description: version, licence, creation date, commit, files |

painkg is for education and decision-support research; it does not make a diagnosis.
"""

#: Media types of the files, for their DCAT distributions.
MEDIA_TYPES = {".tsv": "text/tab-separated-values", ".jsonl": "application/jsonl", ".json": "application/json",
               ".ttl": "text/turtle", ".yaml": "application/yaml", ".md": "text/markdown"}
TITLES = {
    "kgx/nodes.tsv": "KGX nodes (TSV)", "kgx/edges.tsv": "KGX edges (TSV)",
    "kgx/nodes.jsonl": "KGX nodes (JSON Lines)", "kgx/edges.jsonl": "KGX edges (JSON Lines)",
    "kgx/painkg.json": "References and model tables", "painkg.ttl": "The knowledge base as RDF (Turtle)",
    "schema.ttl": "The OWL ontology", "mappings.sssom.tsv": "Standard identifiers (SSSOM)",
    "graph-summary.yaml": "kgx graph summary", "merge.yaml": "kgx merge configuration example",
    "README.md": "What the release holds", "LICENSE": "Licences",
}


class ReleaseError(Exception):
    pass


def git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)
    if done.returncode:
        raise ReleaseError(f"git {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


def checkout(commit: str, folder: Path) -> None:
    """Unpack *commit* into *folder*: the tracked files of that commit, nothing else."""
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", commit], capture_output=True)
    if archive.returncode:
        raise ReleaseError(f"git archive {commit}: {archive.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(folder, filter="data")


def build(source: Path, out: Path, *, commit: str, created: date) -> str:
    """Write the release of the checkout *source* into *out*; return its version.  Runs in *source*'s painkg."""
    sys.path.insert(0, str(source))
    import painkg
    from painkg.rdf.dataset import DataFile, dataset_turtle
    from painkg.rdf.export import export
    from painkg.rdf.kgx import to_kgx

    if Path(painkg.__file__).resolve().parent != (source / "painkg").resolve():
        raise ReleaseError(f"painkg was imported from {painkg.__file__}, not from the checkout {source}")
    version = painkg.__version__
    kg = painkg.load(cache=False)
    written = to_kgx(kg, out / "kgx")
    triples = export(kg, out / "painkg.ttl").triples
    shutil.copyfile(source / "ontology" / "painkg.ttl", out / "schema.ttl")
    shutil.copyfile(source / "ontology" / "mappings.sssom.tsv", out / "mappings.sssom.tsv")
    shutil.copyfile(source / "LICENSE", out / "LICENSE")
    summary = subprocess.run(
        [sys.executable, str(source / "tests" / "kgx_offline.py"), "graph-summary", "-i", "tsv", "-r", "kgx-map",
         "-f", "yaml", "-n", f"painkg {version}", "-o", str(out / "graph-summary.yaml"),
         "kgx/nodes.tsv", "kgx/edges.tsv"], cwd=out, capture_output=True, text=True, timeout=600)
    if summary.returncode or not (out / "graph-summary.yaml").is_file():
        raise ReleaseError(f"kgx graph-summary failed (is the kgx extra installed?):\n{summary.stderr[-2000:]}")
    (out / "merge.yaml").write_text(MERGE_YAML.format(version=version), encoding="utf-8")
    (out / "README.md").write_text(README.format(version=version, created=created.isoformat(), commit=commit,
                                                 nodes=written.nodes, edges=written.edges, triples=triples),
                                   encoding="utf-8")
    files = [DataFile(name, MEDIA_TYPES.get(Path(name).suffix, "text/plain"), TITLES[name], (out / name).stat().st_size)
             for name in TITLES]
    (out / "dataset.ttl").write_text(dataset_turtle(version=version, created=created, commit=commit, files=files,
                                                    triples=triples, entities=written.nodes), encoding="utf-8")
    return version


def release(commit: str = "HEAD", dist: Path = ROOT / "dist", *, created: date | None = None,
            force: bool = False) -> Path:
    """Build ``dist/release-<version>/`` from a clean checkout of *commit*; return the folder."""
    sha = git("rev-parse", "--verify", f"{commit}^{{commit}}")
    created = created or datetime.now(timezone.utc).date()
    if git("status", "--porcelain", "--untracked-files=no"):
        print(f"release: the working tree has uncommitted changes; they are not in the release of {sha[:10]}",
              file=sys.stderr)
    dist.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="painkg-release-") as tmp:
        source, out = Path(tmp) / "source", Path(tmp) / "out"
        source.mkdir()
        out.mkdir()
        checkout(sha, source)
        # The checkout's own painkg builds it, in a process of its own, with no cache and no PYTHONPATH of ours.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--build", str(source), str(out), sha,
                               created.isoformat()], env=env, capture_output=True, text=True, timeout=1800)
        if done.returncode:
            raise ReleaseError(f"building the release of {sha[:10]} failed:\n{done.stderr[-3000:]}")
        version = done.stdout.strip().splitlines()[-1]
        target = dist / f"release-{version}"
        if target.exists():
            if not force:
                raise ReleaseError(f"{target} exists (--force replaces it)")
            shutil.rmtree(target)
        shutil.move(str(out), target)
    return target


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--build"]:  # the child: runs inside the clean checkout
        source, out, sha, created = argv[1:5]
        print(build(Path(source), Path(out), commit=sha, created=date.fromisoformat(created)))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--commit", default="HEAD", help="the commit to release (default HEAD)")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="where release-<version>/ goes (default dist/)")
    parser.add_argument("--date", type=date.fromisoformat, help="the creation date (default today, UTC)")
    parser.add_argument("--force", action="store_true", help="replace an existing release folder")
    args = parser.parse_args(argv)
    try:
        target = release(args.commit, args.out, created=args.date, force=args.force)
    except ReleaseError as exc:
        print(f"release: {exc}", file=sys.stderr)
        return 1
    print(target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
