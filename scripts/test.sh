#!/usr/bin/env sh
# Install everything the test suite needs and run all of it.
# Graphviz (`dot`) draws the diagrams; raptor's `rapper` is the independent RDF parser.
set -eu
cd "$(dirname "$0")/.."
if ! command -v dot >/dev/null 2>&1 || ! command -v rapper >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq graphviz raptor2-utils
fi
# The kgx extra (kgx, bmt, biolink-model, sssom) is large but checks the KGX export with the real tools.
python3 -m pip install -q -e '.[test,kgx]'
# pytest exits 5 when it collects no tests; set -e makes that (and any failure) fail the run.
python3 -m pytest "$@"
