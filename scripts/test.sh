#!/usr/bin/env sh
# Install everything the test suite needs and run all of it.
# Graphviz (`dot`) draws the diagrams; raptor's `rapper` is the independent RDF parser;
# Debian's headless Chromium and its driver run the explorer's browser tests (tests/test_web_browser.py);
# a JDK runs the OWL API's OWL 2 DL profile check (tests/test_owl.py: java launches its .java source).
set -eu
cd "$(dirname "$0")/.."
if ! command -v dot >/dev/null 2>&1 || ! command -v rapper >/dev/null 2>&1 \
        || [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ] || ! command -v javac >/dev/null 2>&1; then
    SUDO=""
    [ "$(id -u)" -eq 0 ] || SUDO="sudo"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq graphviz raptor2-utils chromium chromium-driver default-jdk-headless
fi
# The web extra (starlette, uvicorn) is the explorer, `painkg serve`.  The kgx extra (kgx, bmt,
# biolink-model, sssom) is large but checks the KGX export with the real tools; it is installed
# second, with the versions it resolved to pinned as constraints: resolved together with the
# web extra, pip backtracked through old sssom, linkml and uvicorn releases for 36 minutes.
# On a fresh machine with no pip cache: about 50 s, then about 100 s.
echo "painkg: installing painkg with its test and web extras..." >&2
python3 -m pip install -q -e '.[test,web]'
echo "painkg: installing the kgx extra (pinned: scripts/constraints-kgx.txt)..." >&2
python3 -m pip install -q -c scripts/constraints-kgx.txt -e '.[kgx]'
echo "painkg: fetching the OWL API jars (scripts/owlapi_jars.py)..." >&2
python3 scripts/owlapi_jars.py >/dev/null
echo "painkg: running the test suite..." >&2
# pytest exits 5 when it collects no tests; set -e makes that (and any failure) fail the run.
python3 -m pytest "$@"
