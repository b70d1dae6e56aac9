"""Run the real ``kgx`` command line offline, against the Biolink model of the installed package.

kgx (2.x) builds a ``bmt.Toolkit()`` at import, which downloads the Biolink schema and its
predicate map, and fetches JSON-LD prefix contexts on first use.  Here the Toolkit's
defaults point at the files shipped in the ``biolink-model`` package, and the contexts
come from that package's prefix map and from ``prefixmaps``' bundled contexts, so no
network is touched.  Usage: ``python tests/kgx_offline.py validate -i tsv nodes.tsv edges.tsv``.

With ``PAINKG_KGX_PREFIXES='{"painkg.node": "https://…"}'`` those prefixes are added to the
Biolink context the validator checks CURIEs against (a KG's own declared prefixes).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path


def biolink_files() -> tuple[Path, Path]:
    spec = importlib.util.find_spec("biolink_model")
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit("the biolink-model package is not installed (pip install 'painkg[kgx]')")
    root = Path(list(spec.submodule_search_locations)[0])
    return root / "schema" / "biolink_model.yaml", root / "prefixmaps" / "biolink-model-prefix-map.json"


def offline() -> None:
    schema, prefix_map = biolink_files()
    import bmt.toolkit

    bmt.toolkit.Toolkit.__init__.__defaults__ = (str(schema), {"predicate mappings": []})
    import kgx.config
    from prefixmaps import load_context

    biolink = json.loads(prefix_map.read_text(encoding="utf-8"))
    biolink.update(json.loads(os.environ.get("PAINKG_KGX_PREFIXES", "{}")))
    kgx.config.get_config()
    kgx.config.jsonld_context_map.update({
        "biolink": biolink,
        "monarch_context": load_context("merged").as_dict(),
        "obo_context": load_context("obo").as_dict(),
    })


if __name__ == "__main__":
    offline()
    from kgx.cli import cli

    sys.argv[0] = "kgx"
    cli()
