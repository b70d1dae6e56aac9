"""The explorer's JSON API through Starlette's TestClient, on the real bundled KB (no mocks),
and `painkg serve` as a real process."""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from starlette.testclient import TestClient

from painkg.web import case as cases
from painkg.web.app import STATIC, _json, create_app

ROOT = Path(__file__).resolve().parents[1]
SCENARIO = "present=groin+pain&present=limited+hip+internal+rotation&absent=numbness"


@pytest.fixture(scope="module")
def client(kg):
    with TestClient(create_app(kg)) as c:
        yield c


def ok(response) -> dict:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    return response.json()


# ---------------------------------------------------------------- search


def test_search_finds_labels_synonyms_and_abbreviations(client):
    assert ok(client.get("/api/search?q=groin"))["results"][0]["id"] == "groin-pain"
    fadir = ok(client.get("/api/search?q=FADIR"))["results"][0]
    assert fadir["id"] == "fadir-test" and fadir["kind"] == "finding"
    by_synonym = ok(client.get("/api/search?q=coxarthrosis"))["results"][0]
    assert by_synonym == {"id": "hip-osteoarthritis", "label": "hip osteoarthritis", "kind": "condition",
                          "matched": "coxarthrosis", "region": "hip", "red_flag": False}


def test_search_offers_only_what_a_case_can_hold_unless_asked(client):
    kinds = {r["kind"] for r in ok(client.get("/api/search?q=groin&limit=50"))["results"]}
    assert kinds <= {"symptom", "finding", "test", "activity", "condition"} and "region" not in kinds
    everything = ok(client.get("/api/search?q=groin&kind=all&limit=50"))["results"]
    assert "region" in {r["kind"] for r in everything}
    assert {r["kind"] for r in ok(client.get("/api/search?q=sitting&kind=activity"))["results"]} == {"activity"}
    assert ok(client.get("/api/search?q=%20"))["results"] == []
    assert len(ok(client.get("/api/search?q=pain&limit=3"))["results"]) == 3


def test_search_completes_the_start_of_a_word(client):
    for partial, wanted in (("lumb", "lumbar-spinal-stenosis"), ("thig", "thigh-pain"), ("sitt", "sitting"),
                            ("stenos", "lumbar-spinal-stenosis"), ("sciat", "sciatica"), ("gro", "groin-pain"),
                            ("groi", "groin-pain"), ("lumb sten", "lumbar-spinal-stenosis")):
        found = [r["id"] for r in ok(client.get("/api/search", params={"q": partial, "limit": 50}))["results"]]
        assert wanted in found, (partial, found)
    assert ok(client.get("/api/search?q=thig"))["results"][0]["id"] == "thigh-pain"
    assert ok(client.get("/api/search?q=gro"))["results"][0]["id"] == "groin-pain"


def test_search_reads_what_the_words_mean_first(client):
    aged = [r["id"] for r in ok(client.get("/api/search?q=60-year-old"))["results"]]
    assert aged[0] == "age-over-50" and "long-term-corticosteroid-use" not in aged
    pins = [r["id"] for r in ok(client.get("/api/search?q=pins+and+needles"))["results"]]
    assert pins[0] == "tingling" and not {"surgical-fixation", "ct-guided-biopsy", "in-situ-fixation"} & set(pins)
    walking = ok(client.get("/api/search?q=pain+worse+with+walking"))["results"][0]
    assert walking["id"] == "walking" and walking["relation"] == "aggravated-by"
    eased = ok(client.get("/api/search?q=eased+by+sitting"))["results"][0]
    assert (eased["id"], eased["relation"]) == ("sitting", "relieved-by")
    assert ok(client.get("/api/search?q=age"))["results"][0]["id"].startswith("age-")  # not "standing for ages"


@pytest.mark.parametrize("text, first", [("SLR", "slr-test"), ("CES", "cauda-equina-syndrome"), ("LBP", "low-back-pain"),
                                         ("FAD", "fadir-test"), ("fadir", "fadir-test"), ("M16", "hip-osteoarthritis")])
def test_search_ranks_abbreviations_first(client, text, first):
    assert ok(client.get("/api/search", params={"q": text}))["results"][0]["id"] == first


def test_search_refuses_a_query_longer_than_a_term(client):
    response = client.get("/api/search", params={"q": "groin " * 40})
    assert response.status_code == 400 and "at most 200" in response.json()["error"]


# ---------------------------------------------------------------- trace


def test_trace_ranks_hip_osteoarthritis_first_and_cites_khan2004(client):
    data = ok(client.get("/api/trace?" + SCENARIO))
    top = data["candidates"][0]
    assert top["id"] == "hip-osteoarthritis" and top["region"] == "hip"
    groin = next(e for e in top["explanations"] if e["observation"] == "groin-pain")
    assert groin["paths"][0]["text"] == "hip osteoarthritis —presents with→ groin pain"
    assert "khan2004" in groin["paths"][0]["steps"][0]["references"]
    assert data["references"]["khan2004"]["pmid"] == "15005931"
    assert data["labels"]["groin-pain"] == "groin pain"
    assert data["case"]["findings"] == [
        {"id": "groin-pain", "state": "present", "label": "groin pain", "kind": "symptom", "red_flag": False},
        {"id": "limited-hip-internal-rotation", "state": "present", "label": "limited hip internal rotation",
         "kind": "finding", "red_flag": False},
        {"id": "numbness", "state": "absent", "label": "numbness", "kind": "symptom", "red_flag": False}]
    assert data["query"] == ("setting=primary-care&present=groin-pain&present=limited-hip-internal-rotation"
                             "&absent=numbness")
    assert data["next_findings"] and "not a diagnosis" in data["disclaimer"]


def test_trace_answers_what_the_library_answers(client, kg):
    data = ok(client.get("/api/trace?" + SCENARIO + "&setting=sports-hip-groin&limit=5"))
    library = kg.trace(["groin pain", "limited hip internal rotation"], absent=["numbness"],
                       setting="sports-hip-groin", limit=5).to_dict()
    assert [(c["id"], c["score"]) for c in data["candidates"]] == [(c["id"], c["score"]) for c in library["candidates"]]
    assert data["next_findings"] == library["next_findings"] and data["setting"] == "sports-hip-groin"


@pytest.mark.parametrize("present, absent", [
    (["buttock pain", "pain worse with sitting", "numbness"], ["low back pain"]),
    (["lateral hip pain", "pain lying on the affected side", "Trendelenburg sign"], []),
    (["68F", "groin pain", "no numbness", "FADIR +ve"], ["fever"]),
    (["bilateral leg pain", "relieved by sitting", "relieved by bending forward"], ["groin pain"]),
], ids=["sitting", "lying", "68F", "relieved"])
def test_terms_are_read_as_the_library_reads_them(client, kg, present, absent):
    data = ok(client.get("/api/trace", params=[("present", t) for t in present] + [("absent", t) for t in absent]))
    library = kg.trace(present, absent=absent).to_dict()
    assert [(c["id"], c["score"]) for c in data["candidates"]] == [(c["id"], c["score"]) for c in library["candidates"]]
    assert all(f["id"] in kg.graph for f in data["case"]["findings"])  # written back as ids


def test_post_takes_the_downloaded_json(client):
    got = ok(client.get("/api/trace?" + SCENARIO))
    posted = ok(client.post("/api/trace", json=got["case"]))
    assert posted["candidates"] == got["candidates"] and posted["case"] == got["case"]


def test_the_hip_spine_pair(client):
    data = ok(client.get("/api/trace?present=groin-pain&present=limited-hip-internal-rotation&present=low-back-pain"
                         "&present=neurogenic-claudication&absent=numbness"))
    pair = data["combinations"][0]
    assert set(pair["members"]) == {"hip-osteoarthritis", "lumbar-spinal-stenosis"}
    assert pair["name"] == "hip–spine syndrome"
    assert data["labels"]["lumbar-spinal-stenosis"] == "lumbar spinal stenosis"


def test_a_suspected_red_flag_is_said_to_be_suspected(client):
    data = ok(client.get("/api/trace?present=low-back-pain&possible=saddle-anaesthesia"))
    messages = [f["message"] for f in data["red_flags"]]
    assert any(m.startswith("red flag: saddle anaesthesia suspected") for m in messages), messages
    stated = ok(client.get("/api/trace?present=low-back-pain&present=saddle-anaesthesia"))
    assert any("saddle anaesthesia reported" in f["message"] for f in stated["red_flags"])
    # A question is not evidence: the ranking is that of the case without it.
    without = ok(client.get("/api/trace?present=low-back-pain"))
    assert [(c["id"], c["score"]) for c in data["candidates"]] == [(c["id"], c["score"]) for c in without["candidates"]]


def test_activities_carry_their_effect(client):
    worse = ok(client.get("/api/trace?present=buttock-pain&present=sitting.aggravated-by"))
    observed = {(o["id"], o["relation"]) for o in worse["observations"]}
    assert ("sitting", "aggravated-by") in observed
    assert worse["case"]["findings"][1]["relation"] == "aggravated-by"
    eased = ok(client.get("/api/trace?present=buttock-pain&present=sitting.relieved-by"))
    assert [c["score"] for c in eased["candidates"]] != [c["score"] for c in worse["candidates"]]


def test_unknown_answers_stay_in_the_case_but_out_of_the_trace(client):
    plain = ok(client.get("/api/trace?" + SCENARIO))
    asked = ok(client.get("/api/trace?" + SCENARIO + "&unknown=fadir-test"))
    assert asked["candidates"] == plain["candidates"]
    assert asked["case"]["findings"][-1] == {"id": "fadir-test", "state": "unknown", "label": "FADIR test",
                                             "kind": "finding", "red_flag": False}


def test_a_case_with_nothing_present_is_not_ranked(client):
    data = ok(client.get("/api/trace?absent=numbness&unknown=fadir-test"))
    assert data["candidates"] == [] and "present or suspected" in data["message"]
    assert ok(client.get("/api/trace"))["case"]["findings"] == []


def test_a_finding_said_twice_keeps_its_first_place_and_its_stronger_state(client):
    data = ok(client.get("/api/trace?present=numbness&present=groin-pain&absent=numbness"))
    assert [(f["id"], f["state"]) for f in data["case"]["findings"]] == [("numbness", "present"),
                                                                        ("groin-pain", "present")]


def test_diagram_is_inline_svg_with_the_chosen_candidate(client, dot_program):
    data = ok(client.get("/api/trace?" + SCENARIO + "&diagram=lumbar-spinal-stenosis"))
    svg = data["svg"]
    assert svg.startswith("<svg") and "<?xml" not in svg and "<!DOCTYPE" not in svg and data["svg_error"] is None
    rank = [c["id"] for c in data["candidates"]].index("lumbar-spinal-stenosis") + 1
    assert rank > 3 and f">#{rank} lumbar spinal<" in svg  # drawn although not in the top 3 (label wrapped)
    assert "svg" not in ok(client.get("/api/trace?" + SCENARIO))


# ---------------------------------------------------------------- read, node, settings


def test_read_a_note_into_findings(client):
    data = ok(client.post("/api/read", json={"text": "68F, L groin pain, worse with walking. No numbness. "
                                                     "?CES. Father had a hip replacement. Septic arthritis of the "
                                                     "knee in 2019."}))
    assert [(f["id"], f["state"], f.get("relation")) for f in data["findings"]] == [
        ("age-over-50", "present", None), ("age-over-70", "absent", None), ("age-under-60", "absent", None),
        ("female-sex", "present", None),
        ("groin-pain", "present", None), ("walking", "present", "aggravated-by"), ("numbness", "absent", None),
        ("cauda-equina-syndrome", "possible", None)]
    relative = next(s for s in data["spans"] if "hip-replacement" in s["node"])  # the father's, not hers
    assert relative["experiencer"] == "other"
    assert data["unread"][0]["text"] == "Septic arthritis of the knee" and data["unread"][0]["outside"]
    assert "[groin pain]" in data["marked"]
    assert ok(client.get("/api/read?text=no+fever"))["findings"] == [
        {"id": "fever", "state": "absent", "label": "fever", "kind": "symptom", "red_flag": True}]


def test_node_by_id_or_synonym(client):
    data = ok(client.get("/api/node/coxarthrosis"))
    assert data["node"]["id"] == "hip-osteoarthritis" and "ICD10CM:M16.9" in data["node"]["codes"]
    groin = next(e for e in data["out"] if e["target"] == "groin-pain")
    assert groin["relation"] == "presents-with" and "khan2004" in groin["references"]
    assert data["references"]["khan2004"]["doi"] == "10.1308/003588404322827518"
    assert data["labels"]["groin-pain"] == "groin pain"


def test_settings(client, kg):
    data = ok(client.get("/api/settings"))
    assert data["default"] == "primary-care"
    assert [s["id"] for s in data["settings"]] == [s.id for s in kg.settings()]


# ---------------------------------------------------------------- errors: 422 with suggestions, else 400, never 500


def test_unknown_term_is_422_with_suggestions(client):
    response = client.get("/api/trace?present=low+back+pain&absent=groin+wrfl")
    assert response.status_code == 422
    body = response.json()
    assert body["term"] == "groin wrfl" and body["error"].startswith("unknown term 'groin wrfl'")
    assert "groin pain" in body["suggestions"]
    assert client.get("/api/trace?present=zqxv").json()["suggestions"] == []
    node = client.get("/api/node/zqxv wrfl blah")
    assert node.status_code == 422 and node.json()["term"] == "zqxv wrfl blah"
    assert ok(client.get("/api/node/groinn-pein"))["node"]["id"] == "groin-pain"  # a near spelling is read


@pytest.mark.parametrize("method, path, body, message", [
    ("GET", "/api/trace?present=groin-pain&colour=red", None, "unknown parameter 'colour'"),
    ("GET", "/api/trace?present=groin", None, "'groin' is a region"),
    ("GET", "/api/trace?present=sitting", None, "'sitting' is an activity"),
    ("GET", "/api/trace?present=groin-pain.aggravated-by", None, "only an activity takes an effect"),
    ("GET", "/api/trace?present=groin-pain&setting=moon", None, "unknown setting 'moon'"),
    ("GET", "/api/trace?present=groin-pain&limit=0", None, "limit"),
    ("GET", "/api/trace?present=groin-pain&limit=ten", None, "limit"),
    ("GET", "/api/trace?present=", None, "empty present finding"),
    ("GET", "/api/search?q=groin&kind=planet", None, "unknown kind 'planet'"),
    ("GET", "/api/search?q=groin&limit=-1", None, "limit"),
    ("GET", "/api/read", None, "give the note's text"),
    ("POST", "/api/read", b'{"text": 3}', "give the note's text"),
    ("POST", "/api/read", json.dumps({"text": "pain " * 5000}).encode(), "at most 20000"),
    ("POST", "/api/trace", b"{not json", "not JSON"),
    ("POST", "/api/trace", b"[1, 2]", "expected a JSON object"),
    ("POST", "/api/trace", b'{"findings": "groin pain"}', "findings must be a list"),
    ("POST", "/api/trace", b'{"findings": [{"state": "present"}]}', "findings[0]"),
    ("POST", "/api/trace", b'{"findings": [{"id": "groin-pain", "state": "yes"}]}', "unknown state 'yes'"),
    ("POST", "/api/trace", b'{"findings": [{"id": "groin-pain"}], "limit": true}', "limit"),
    ("POST", "/api/trace", b'{"setting": 7}', "setting must be a string"),
    ("POST", "/api/trace", json.dumps({"findings": [{"id": "groin-pain"}] * 201}).encode(), "at most 200"),
    ("POST", "/api/trace", b"\xff\xfe", "not JSON"),
    ("POST", "/api/trace", b'{"findings": [{"id": "groin-pain"}], "limit": NaN}', "limit"),
])
def test_bad_input_is_400_with_one_line(client, method, path, body, message):
    response = client.request(method, path, content=body)
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert message in error and "\n" not in error


def test_unknown_route_is_404_json(client):
    response = client.get("/api/nothing")
    assert response.status_code == 404 and response.json() == {"error": "/api/nothing: Not Found"}
    assert client.post("/api/settings").status_code == 405


_TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(pairs=st.lists(st.tuples(st.sampled_from(["present", "absent", "possible", "unknown", "setting", "limit",
                                                 "diagram", "other"]), _TEXT), max_size=6))
def test_any_query_is_answered_never_a_500(client, pairs):
    response = client.get("/api/trace", params=pairs)
    assert response.status_code in (200, 400, 422), response.text
    assert set(response.json()) & {"candidates", "error"}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(body=st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | _TEXT,
                         lambda inner: st.lists(inner, max_size=3) | st.dictionaries(
                             st.sampled_from(["findings", "id", "state", "relation", "setting", "limit", "text"]),
                             inner, max_size=4), max_leaves=8))
def test_any_json_body_is_answered_never_a_500(client, body):
    for path in ("/api/trace", "/api/read"):
        response = client.post(path, json=body)
        assert response.status_code in (200, 400, 422), response.text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_TEXT)
def test_any_search_or_node_is_answered_never_a_500(client, text):
    assert client.get("/api/search", params={"q": text}).status_code == 200
    assert client.get("/api/node/" + urllib.request.quote(text, safe="")).status_code in (200, 404, 422)


def test_non_finite_numbers_are_written_as_null():
    assert json.loads(_json({"ratio": float("inf"), "rows": [float("nan"), 1.5]}).body) == {"ratio": None,
                                                                                           "rows": [None, 1.5]}


# ---------------------------------------------------------------- the case spellings


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.tuples(st.sampled_from(["groin-pain", "numbness", "low-back-pain", "fadir-test",
                                                 "sitting", "saddle-anaesthesia", "fever"]),
                                st.sampled_from(cases.STATES), st.sampled_from(cases.EFFECTS)), max_size=6),
       setting=st.sampled_from(["primary-care", "spine-centre"]))
def test_query_json_and_trace_input_agree(kg, picks, setting):
    findings = [cases.Finding(i, s, r if i == "sitting" else None) for i, s, r in picks]
    case = cases.resolve(kg, cases.Case(tuple(findings), setting))
    from urllib.parse import parse_qsl

    assert cases.resolve(kg, cases.parse_query(parse_qsl(case.query()))) == case
    assert cases.resolve(kg, cases.parse_json(json.loads(json.dumps(case.to_dict())))) == case
    spans = cases.reading(kg, case).spans
    assert [(s.node.id, s.polarity) for s in spans] == [(f.id, f.state) for f in case.findings if f.state != "unknown"]
    assert len({f.key for f in case.findings}) == len(case.findings)


# ---------------------------------------------------------------- the page


def test_the_page_is_served_with_nothing_from_elsewhere(client):
    page = client.get("/")
    assert page.status_code == 200 and "Not a diagnosis" in page.text
    assert "default-src 'self'" in page.headers["content-security-policy"]
    for name in ("index.html", "app.js", "style.css"):
        text = (STATIC / name).read_text(encoding="utf-8")
        assert not re.search(r"https?://", text), f"{name} refers to another server"
        assert client.get(f"/static/{name}").status_code == 200
    html = (STATIC / "index.html").read_text(encoding="utf-8")
    ids = set(re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', html))
    labelled = set(re.findall(r'<label[^>]*\bfor="([^"]+)"', html))
    assert ids and ids <= labelled  # every field has a label


def test_every_static_file_ships_in_the_wheel():
    from fnmatch import fnmatch

    config = (ROOT / "setup.cfg").read_text(encoding="utf-8")
    patterns = re.search(r"^painkg\.web = (.+)$", config, re.M).group(1).split(", ")
    for path in STATIC.iterdir():
        assert any(fnmatch(f"static/{path.name}", p) for p in patterns), path.name


def test_the_module_app_loads_the_bundled_kb_when_it_starts():
    from painkg.web import app

    with TestClient(app) as c:
        assert ok(c.get("/api/trace?" + SCENARIO))["candidates"][0]["id"] == "hip-osteoarthritis"


def test_import_painkg_stays_free_of_starlette():
    code = ("import sys, painkg, painkg.cli; painkg.load().trace(['groin pain']); painkg.cli.build_parser(); "
            "print([m for m in ('starlette', 'uvicorn', 'painkg.web') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


# ---------------------------------------------------------------- painkg serve


def _serve(*args: str) -> tuple[subprocess.Popen, str]:
    proc = subprocess.Popen([sys.executable, "-m", "painkg", "serve", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    found = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
    assert found, (line, proc.stderr.read() if proc.poll() is not None else "")
    return proc, found.group(0)


def test_serve_prints_its_address_answers_and_stops_on_ctrl_c():
    proc, url = _serve("--port", "0")
    try:
        with urllib.request.urlopen(url + "api/trace?" + SCENARIO, timeout=30) as r:
            assert json.load(r)["candidates"][0]["id"] == "hip-osteoarthritis"
        with urllib.request.urlopen(url, timeout=30) as r:
            assert "Not a diagnosis" in r.read().decode()
        # Bound to this machine: a page that reaches it under another name (DNS rebinding) is refused.
        rebound = urllib.request.Request(url + "api/settings", headers={"Host": "attacker.example"})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(rebound, timeout=30)
        assert refused.value.code == 400
        refused.value.close()
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "stopped" in err and "Traceback" not in err


def test_serve_on_a_busy_port_is_one_line_and_exit_1():
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "painkg", "serve", "--port", str(port)], capture_output=True,
                              text=True, timeout=60)
    assert done.returncode == 1 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [f"painkg: 127.0.0.1:{port}: cannot listen here (Address already in use)"]


def test_serve_bad_arguments_exit_2():
    for args in (["--port", "70000"], ["--port", "x"], ["--host", "no such host.invalid"]):
        done = subprocess.run([sys.executable, "-m", "painkg", "serve", *args], capture_output=True, text=True,
                              timeout=60)
        assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1, (args, done.stderr)


def test_serve_without_the_web_extra_says_how_to_get_it():
    code = ("import sys; sys.modules['uvicorn'] = None; from painkg.cli import main; "
            "sys.exit(main(['serve', '--port', '0']))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr == ("painkg: serve: the explorer needs the web extra (uvicorn is missing: "
                           "pip install 'painkg[web]', or '.[web]' in a clone)\n")


# ---------------------------------------------------------------- a server that stays up (issue #23: G7–G10, G17–G20)
# Each test reproduces a failure of reliability2.md against a real `painkg serve` on 127.0.0.1 (or the app in
# process), bounded in count and time.


@pytest.fixture(scope="module")
def served():
    """`painkg serve --port 0`: (host, port); stopped with Ctrl-C at the end."""
    proc, url = _serve("--port", "0")
    host, port = re.search(r"//([^:/]+):(\d+)/", url).groups()
    yield host, int(port)
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "Traceback" not in err, err


def _raw(address, data: bytes, *, timeout: float = 10.0) -> bytes:
    """Send raw bytes, return what the server answers until it closes or *timeout* passes."""
    with socket.create_connection(address, timeout=timeout) as s:
        s.sendall(data)
        got = b""
        try:
            while chunk := s.recv(65536):
                got += chunk
                if b"\r\n\r\n" in got and b'"}' in got:
                    break
        except socket.timeout:
            pass
    return got


def test_g7_a_body_over_the_limit_is_refused_on_its_content_length(served):
    # Content-Length says 500 MB and nothing follows: refused at once, not after waiting to read it.
    started = time.perf_counter()
    answer = _raw(served, b"POST /api/trace HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                          b"Content-Length: 500000000\r\n\r\n", timeout=10)
    assert answer.startswith(b"HTTP/1.1 413 "), answer[:200]
    assert b"at most 200000" in answer and time.perf_counter() - started < 5


def test_g7_a_streamed_body_stops_being_read_past_the_limit(kg):
    # A chunked body with no length: the app stops reading a little past 200 KB, and answers 413.
    app = create_app(kg)
    chunks = {"read": 0}

    async def receive():
        chunks["read"] += 1
        return {"type": "http.request", "body": b"[" * 65536, "more_body": chunks["read"] < 2000}  # 131 MB

    sent = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "http",
             "path": "/api/read", "raw_path": b"/api/read", "query_string": b"", "root_path": "",
             "headers": [(b"host", b"127.0.0.1"), (b"content-type", b"application/json"),
                         (b"transfer-encoding", b"chunked")], "client": ("127.0.0.1", 1), "server": ("127.0.0.1", 80)}
    import anyio

    anyio.run(app, scope, receive, send)
    assert sent[0]["status"] == 413 and chunks["read"] <= 5


def test_g7_a_cross_site_request_is_refused(client):
    evil = client.post("/api/read", json={"text": "groin pain"}, headers={"Origin": "http://evil.example"})
    assert evil.status_code == 403 and "another site" in evil.json()["error"]
    fetched = client.get("/api/settings", headers={"Sec-Fetch-Site": "cross-site"})
    assert fetched.status_code == 403
    assert client.get("/", headers={"Sec-Fetch-Site": "cross-site"}).status_code == 200  # a shared link opens
    same = client.post("/api/read", json={"text": "groin pain"}, headers={"Origin": "http://testserver"})
    assert same.status_code == 200


def _slow_note(words: int, seed: int) -> str:
    rnd = random.Random(seed)  # misspelt words the reader has never seen (no memo), ~6 ms each
    return " ".join("".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(7)) for _ in range(words))


def test_g8_a_slow_note_does_not_stop_other_requests(served):
    host, port = served
    note = json.dumps({"text": _slow_note(2490, int(time.time()))}).encode()  # 19,919 characters, as G8
    done = {}

    def read():
        started = time.perf_counter()
        request = urllib.request.Request(f"http://{host}:{port}/api/read", data=note,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=60) as r:
                done["status"] = r.status
        except urllib.error.HTTPError as exc:
            done["status"] = exc.code
        done["seconds"] = time.perf_counter() - started

    import threading

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(0.3)
    waits = []
    while reader.is_alive() and len(waits) < 20:
        started = time.perf_counter()
        with urllib.request.urlopen(f"http://{host}:{port}/api/settings", timeout=60) as r:
            assert r.status == 200
        waits.append(time.perf_counter() - started)
        time.sleep(0.05)
    reader.join(60)
    assert done["seconds"] > 1.0, done  # the note was slow enough to show the problem
    # Before: /api/settings waited for the whole read (2.6 s here); now it is answered beside it.
    assert waits and statistics.median(waits) < 0.25 and max(waits) < done["seconds"] / 2, (waits, done)


def test_g9_keep_alive_answers_are_not_held_back_by_nagle(served):
    import http.client

    connection = http.client.HTTPConnection(*served, timeout=10)
    times = []
    try:
        for _ in range(25):
            started = time.perf_counter()
            connection.request("GET", "/api/settings")
            response = connection.getresponse()
            response.read()
            assert response.status == 200
            times.append(time.perf_counter() - started)
    finally:
        connection.close()
    assert statistics.median(times[5:]) < 0.02, times  # delayed ACK would make it ~40 ms


@pytest.mark.parametrize("query", [
    "present=urinary-retention&absent=urinary-retention",
    "absent=urinary-retention&present=urinary-retention",
    "absent=urinary+retention&present=unable+to+pass+urine",
    "unknown=urinary-retention&present=urinary-retention&absent=urinary-retention",
])
def test_g10_present_wins_in_the_api(client, query):
    data = ok(client.get("/api/trace?present=low-back-pain&" + query))
    assert [f["state"] for f in data["case"]["findings"] if f["id"] == "urinary-retention"] == ["present"]
    assert any(f["id"] == "urinary-retention" for f in data["red_flags"])
    findings = [{"id": "low-back-pain"}, {"id": "saddle-anaesthesia", "state": "absent"},
                {"id": "saddle anaesthesia", "state": "present"}, {"id": "saddle-anaesthesia", "state": "possible"}]
    posted = ok(client.post("/api/trace", json={"findings": findings}))
    assert [f["state"] for f in posted["case"]["findings"] if f["id"] == "saddle-anaesthesia"] == ["present"]
    # Suspected wins over denied, and a denial over "not known".
    mixed = ok(client.get("/api/trace?present=low-back-pain&absent=fever&possible=fever&unknown=numbness"
                          "&absent=numbness"))
    assert {f["id"]: f["state"] for f in mixed["case"]["findings"]} == {
        "low-back-pain": "present", "fever": "possible", "numbness": "absent"}


def test_g17_an_empty_or_wildcard_host_needs_public():
    for args, wanted in ((["--host", ""], "--host ''"), (["--host", "0.0.0.0"], "--public"),
                         (["--host", "::"], "--public"), (["--host", "\udcff"], "--host")):
        done = subprocess.run([sys.executable, "-m", "painkg", "serve", "--port", "0", *args], capture_output=True,
                              text=True, timeout=60, errors="replace")
        assert done.returncode == 2 and done.stdout == "", (args, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1 and wanted in done.stderr, (args, done.stderr)


def test_g17_what_each_address_allows():
    from painkg.web.serve import plan

    assert plan("127.0.0.1", public=False).allowed_hosts[:3] == ["127.0.0.1", "localhost", "[::1]"]
    assert "127.0.0.5" in plan("127.0.0.5", public=False).allowed_hosts
    assert plan("127.0.0.5", public=False).warning is None
    wild = plan("0.0.0.0", public=True)
    assert wild.allowed_hosts is None and "every network interface" in wild.warning
    lan = plan("192.168.1.5", public=False)
    assert lan.allowed_hosts == ["192.168.1.5"] and "not only this machine" in lan.warning
    for host in ("", "0.0.0.0", "::"):
        with pytest.raises(ValueError):
            plan(host, public=False)


def test_g17_the_bound_loopback_address_is_an_allowed_host():
    proc = subprocess.Popen([sys.executable, "-m", "painkg", "serve", "--host", "127.0.0.5", "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.5:\d+/", line).group(0)
        with urllib.request.urlopen(url + "api/settings", timeout=30) as r:
            assert r.status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "warning" not in err


@pytest.mark.parametrize("body", [
    b'{"text": "low back pain a\\ud800"}',
    b'{"text": "\\udfff"}',
    b'{"text": ' + b"[" * 90_000 + b"]" * 90_000 + b"}",
], ids=["surrogate", "low-surrogate", "nested"])
def test_g18_bad_unicode_and_deep_nesting_are_400(client, body):
    response = client.post("/api/read", content=body, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    assert "Error" not in response.json()["error"]  # one plain line, no exception class


def test_g18_a_finding_nested_deeply_or_with_a_lone_surrogate_is_400(client):
    for body in (b'{"findings": [{"id": ' + b"[" * 90_000 + b"]" * 90_000 + b"}]}",
                 b'{"findings": [{"id": "groin pain\\ud83d"}]}'):
        response = client.post("/api/trace", content=body, headers={"Content-Type": "application/json"})
        assert response.status_code == 400, response.text


def test_g18_an_internal_error_says_nothing_of_the_exception(kg):
    class Broken:
        def __getattr__(self, name):
            return getattr(kg, name)

        def settings(self):
            raise RuntimeError("secret detail /home/user")

    with TestClient(create_app(Broken()), raise_server_exceptions=False) as c:
        response = c.get("/api/settings")
    assert response.status_code == 500 and "secret" not in response.text and "RuntimeError" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"


def test_g19_half_sent_headers_do_not_starve_the_server():
    """1,100 connections that send half a request, against a server limited to 1,024 descriptors."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard != resource.RLIM_INFINITY and hard < 1300:
        pytest.skip(f"this test opens 1,100 connections; the descriptor limit here is {hard}")
    if soft != resource.RLIM_INFINITY and soft < 1300:
        resource.setrlimit(resource.RLIMIT_NOFILE, (1300, hard))

    def limit():
        resource.setrlimit(resource.RLIMIT_NOFILE, (1024, 1024))

    proc = subprocess.Popen([sys.executable, "-m", "painkg", "serve", "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, preexec_fn=limit)
    held = []
    try:
        line = proc.stdout.readline()
        host, port = re.search(r"//([^:/]+):(\d+)/", line).groups()
        for _ in range(1100):
            s = socket.create_connection((host, int(port)), timeout=5)
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX: ")
            held.append(s)
        started = time.perf_counter()
        with urllib.request.urlopen(f"http://{host}:{port}/api/settings", timeout=20) as r:
            assert r.status == 200
        assert time.perf_counter() - started < 5
    finally:
        for s in held:
            s.close()
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    # The server kept answering (above). When the descriptors run out, asyncio's own accept loop
    # pauses and says so in one line ("socket.accept() out of system resource"), depending on timing;
    # what must never appear is a traceback per connection, as in the review.
    assert "Traceback" not in err and err.count("Too many open files") <= 2, err[-2000:]


def test_g19_a_connection_that_never_finishes_its_headers_is_closed():
    from painkg.web import serve

    code = ("import painkg; from painkg.web.serve import serve; "
            "serve(painkg.load(), '127.0.0.1', 0, header_seconds=1.0)")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        host, port = re.search(r"//([^:/]+):(\d+)/", proc.stdout.readline()).groups()
        with socket.create_connection((host, int(port)), timeout=10) as s:
            s.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
            started = time.perf_counter()
            assert s.recv(100) == b""  # closed by the server
            assert 0.8 < time.perf_counter() - started < 4
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    assert serve.HEADER_SECONDS == 10.0


@pytest.mark.parametrize("path", ["/", "/static/index.html", "/static/app.js", "/static/style.css", "/api/settings",
                                  "/api/nothing", "/api/search?q=groin&limit=x", "/static/none.js"])
def test_g20_every_response_carries_the_security_headers(client, path):
    response = client.get(path)
    for name in ("content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options",
                 "cross-origin-resource-policy"):
        assert name in response.headers, (path, name)
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]


def test_g20_a_refused_host_carries_them_too(kg):
    with TestClient(create_app(kg, allowed_hosts=["127.0.0.1"])) as c:
        response = c.get("/api/settings", headers={"Host": "attacker.example"})
    assert response.status_code == 400 and "frame-ancestors 'none'" in response.headers["content-security-policy"]


# ---------------------------------------------------------------- what the page shows (issue #22)

CLAUDICATION = ("present=age-over-50&present=buttock-pain&present=posterior-thigh-pain&present=walking.aggravated-by"
                "&present=sitting.relieved-by&present=bending-forward.relieved-by")
HIP_SPINE = ("present=groin-pain&present=limited-hip-internal-rotation&present=low-back-pain"
             "&present=neurogenic-claudication&absent=numbness")


def _check_rows(data: dict) -> list[dict]:
    rows = data["rows"]
    assert sum(r["tenths"] for r in rows) == 1000, rows  # exactly 100.0 %
    total = sum(0.0 if r["percent"].startswith("<") else float(r["percent"].split()[0]) for r in rows)
    assert abs(total - 100.0) <= 0.5
    pairs = [frozenset(r["members"]) for r in rows if r["kind"] == "pair"]
    assert len(pairs) == len(set(pairs))
    ids = [r["id"] for r in rows if r["kind"] == "candidate"]
    assert len(ids) == len(set(ids))
    for r in rows:
        if r["kind"] == "candidate" and any(r["id"] in p for p in pairs):
            assert r["paired"], r
    assert rows[-1]["kind"] == "other"
    assert [r["rank"] for r in rows if "rank" in r] == list(range(1, len([r for r in rows if "rank" in r]) + 1))
    scores = sum(c["score"] for c in data["candidates"]) + sum(x["score"] for x in data["combinations"])
    assert abs(scores + data["unlisted_score"] + data["other_score"] - 1.0) < 1e-6
    return rows


@pytest.mark.parametrize("query", [SCENARIO, CLAUDICATION, HIP_SPINE, "present=low-back-pain&present=saddle-anaesthesia",
                                   "present=low-back-pain&present=saddle-anaesthesia&present=urinary-retention"])
def test_rows_add_up_to_100_with_each_pair_once(client, query):
    rows = _check_rows(ok(client.get("/api/trace?" + query)))
    assert rows[0]["percent"].endswith(" %")


def test_a_pair_is_its_own_row_and_its_members_say_so(client):
    data = ok(client.get("/api/trace?" + HIP_SPINE))
    rows = _check_rows(data)
    pair = next(r for r in rows if r["kind"] == "pair")
    assert set(pair["members"]) == {"hip-osteoarthritis", "lumbar-spinal-stenosis"} and pair["name"]
    members = [r for r in rows if r["kind"] == "candidate" and r["id"] in pair["members"]]
    assert len(members) == 2 and all(r["paired"] for r in members)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(picks=st.lists(st.tuples(st.sampled_from(["groin-pain", "low-back-pain", "buttock-pain", "neurogenic-claudication",
                                                 "limited-hip-internal-rotation", "numbness", "fever", "age-over-50",
                                                 "saddle-anaesthesia", "thigh-pain", "night-pain"]),
                                st.sampled_from(["present", "absent", "possible"])), min_size=1, max_size=6))
def test_any_case_adds_up_to_100(client, picks):
    data = ok(client.get("/api/trace", params=[(state, term) for term, state in picks]))
    if data["candidates"]:
        _check_rows(data)


def test_an_age_band_alone_asks_for_red_flags_without_the_banner(client):
    data = ok(client.get("/api/trace?" + CLAUDICATION))
    levels = {f["id"]: f["level"] for f in data["red_flags"]}
    assert levels == {"age-over-50": "check"}
    assert "age-over-50" not in data["unexplained"]
    assert not any(f["level"] == "urgent" for f in data["red_flags"])


def test_a_present_red_flag_finding_needs_urgent_assessment_never_a_percentage(client):
    data = ok(client.get("/api/trace?present=buttock-pain&present=age-over-50&present=saddle-anaesthesia"))
    urgent = [f["message"] for f in data["red_flags"] if f["level"] == "urgent"]
    assert ("red flag: saddle anaesthesia reported — needs urgent assessment: cauda equina syndrome cannot be "
            "excluded without lumbar spine MRI") in urgent
    assert not any(re.search(r"0\.0 ?%", m) for m in urgent), urgent
    assert "saddle-anaesthesia" not in data["unexplained"]
    suspected = ok(client.get("/api/trace?present=low-back-pain&possible=saddle-anaesthesia"))
    assert "saddle-anaesthesia" not in suspected["unexplained"]
    assert [f["level"] for f in suspected["red_flags"] if f["id"] == "saddle-anaesthesia"] == ["urgent"]


def test_a_red_flag_condition_is_in_the_banner_from_1_percent(client):
    data = ok(client.get("/api/trace?present=low-back-pain&present=saddle-anaesthesia&present=urinary-retention"))
    for flag in data["red_flags"]:
        if flag["kind"] == "condition":
            assert flag["level"] == ("urgent" if flag["score"] >= 0.01 else "quiet"), flag
    assert any(f["id"] == "cauda-equina-syndrome" and f["level"] == "urgent" for f in data["red_flags"])


def test_each_reference_says_what_kind_of_evidence_it_is(client):
    refs = ok(client.get("/api/trace?present=thigh-pain&present=groin-pain"))["references"]
    assert refs["moore_hipback"]["kind"] == "case-report" and refs["moore_hipback"]["weak"]
    assert refs["khan2004"]["kind_label"] == "cohort or cross-sectional study" and not refs["khan2004"]["weak"]
    assert refs["seed"]["kind"] == "seed" and refs["seed"]["weak"]
    node = ok(client.get("/api/node/hip-osteoarthritis"))["references"]
    assert node["nice_ng226"]["kind"] == "guideline" and node["altman1991"]["kind"] == "cohort"


def test_the_kind_rule_covers_the_bundled_references(kg):
    from painkg.kb import evidence

    kinds = {key: evidence.kind(key, ref.get("citation", "")) for key, ref in kg.references.items()}
    assert set(kinds.values()) <= set(evidence.KINDS)
    unstated = [k for k, v in kinds.items() if v == "not-stated"]
    assert len(unstated) <= len(kinds) * 0.15, unstated  # a citation that does not say its design is the exception
    for name in ("guideline", "systematic-review", "cohort", "narrative-review", "case-report", "textbook"):
        assert name in kinds.values(), name


def test_without_graphviz_the_page_says_so_without_a_path(client, monkeypatch):
    monkeypatch.setenv("PATH", "/nonexistent")
    data = ok(client.get("/api/trace?" + SCENARIO + "&diagram=hip-osteoarthritis"))
    assert data["svg"] is None and "Graphviz" in data["svg_error"]
    assert "/tmp" not in data["svg_error"] and "painkg-web" not in data["svg_error"] and "why.svg" not in data["svg_error"]


def test_the_body_chart_names_only_sites_the_kb_holds(client, kg):
    from painkg.web.app import CHART_SITES

    html = (STATIC / "index.html").read_text(encoding="utf-8")
    assert set(re.findall(r'data-site="([^"]+)"', html)) == set(CHART_SITES)
    for view in ("front", "back", "side"):
        assert f'data-view="{view}"' in html
    chart = ok(client.get("/api/settings"))["chart"]
    assert chart == {site: kg.node(site).label for site in CHART_SITES}
    assert {"groin-pain", "buttock-pain", "lateral-hip-pain", "low-back-pain", "anterior-thigh-pain"} <= set(chart)
    assert not re.search(r"<script[^>]+src=\"https?:|<link[^>]+href=\"https?:", html)  # drawn here, no CDN


def test_a_note_too_costly_to_read_in_time_is_413_not_a_server_fault(kg, monkeypatch):
    import importlib

    monkeypatch.setattr(importlib.import_module("painkg.web.app"), "WORK_SECONDS", 0.3)
    with TestClient(create_app(kg)) as c:
        slow = c.post("/api/read", json={"text": _slow_note(400, int(time.time()) + 1)})
        assert slow.status_code == 413 and "shorter note" in slow.json()["error"], slow.text
        assert c.get("/api/settings").status_code == 200


# ---------------------------------------------------------------- load (issue #23: /api/settings p99 ≤ 100 ms under 50 clients)


def _cpu(pid: int) -> float:
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = []
    for name in os.listdir("/proc"):
        if name.isdigit():
            try:
                with open(f"/proc/{name}/stat") as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(name))
            except (OSError, ValueError, IndexError):
                pass
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads /proc")
def test_the_event_loop_does_not_share_its_interpreter_with_the_work():
    """Under 50 busy clients the loop answered /api/settings with p50 48 ms and p99 159 ms
    (scripts/load.py): the reader, trace and search ran in threads of the server's process and
    took the interpreter lock from the event loop in turns. Now they run in worker processes:
    the server's own process does almost none of the work, and answers beside it."""
    import http.client
    import threading

    proc, url = _serve("--port", "0")
    host, port = re.search(r"//([^:/]+):(\d+)/", url).groups()
    port = int(port)
    try:
        workers = _children(proc.pid)
        before = _cpu(proc.pid), sum(_cpu(w) for w in workers)
        stop = time.monotonic() + 4.0
        note = json.dumps({"text": _slow_note(1000, int(time.time()))}).encode()  # 8,000 characters: seconds

        def busy(seed: int) -> None:
            rnd = random.Random(seed)
            connection = http.client.HTTPConnection(host, port, timeout=60)
            while time.monotonic() < stop:
                word = "".join(rnd.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(9))  # never remembered
                connection.request("GET", f"/api/search?q={word}")
                response = connection.getresponse()
                response.read()
                assert response.status == 200
            connection.close()

        def long_note() -> None:
            request = urllib.request.Request(f"http://{host}:{port}/api/read", data=note,
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request, timeout=60) as r:
                r.read()

        threads = [threading.Thread(target=busy, args=(i,)) for i in range(6)] + [threading.Thread(target=long_note)]
        for t in threads:
            t.start()
        waits = []
        probe = http.client.HTTPConnection(host, port, timeout=10)
        while time.monotonic() < stop:
            started = time.perf_counter()
            probe.request("GET", "/api/settings")
            response = probe.getresponse()
            response.read()
            assert response.status == 200
            waits.append(time.perf_counter() - started)
            time.sleep(0.05)
        probe.close()
        for t in threads:
            t.join(60)
        main, work = _cpu(proc.pid) - before[0], sum(_cpu(w) for w in workers) - before[1]
        # Before: no worker process, the server's own process did all of it (3.6 s of CPU) and the probe
        # waited a median 21 ms; now the workers do it (3.8 s against 0.4 s) and the probe waits 1.2 ms.
        print(f"server process {main:.2f} s of CPU, workers {work:.2f} s; /api/settings median "
              f"{statistics.median(waits) * 1000:.1f} ms, max {max(waits) * 1000:.1f} ms")
        assert work > 1.0 and main < work / 2, (main, work)
        assert statistics.median(waits) < 0.02, sorted(waits)
        assert len(workers) == 2, workers  # the usual requests, and long notes
        # A 422 from a worker process keeps its term and suggestions (the exception crossed a pipe).
        with pytest.raises(urllib.error.HTTPError) as unknown:
            urllib.request.urlopen(f"http://{host}:{port}/api/trace?present=low+back+pain&absent=groin+wrfl", timeout=30)
        body = json.load(unknown.value)
        unknown.value.close()
        assert unknown.value.code == 422 and body["term"] == "groin wrfl" and "groin pain" in body["suggestions"], body
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0 and "Traceback" not in err, err
    time.sleep(0.5)
    assert not [w for w in workers if Path(f"/proc/{w}").exists()
                and Path(f"/proc/{w}/status").read_text().find("zombie") < 0], "a worker outlived the server"


def test_the_workers_end_when_the_server_is_killed():
    proc, url = _serve("--port", "0")
    workers = _children(proc.pid)
    assert workers
    proc.kill()
    proc.communicate(timeout=30)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and any(Path(f"/proc/{w}").exists() for w in workers):
        for w in workers:  # reap them if they were re-parented to us
            with contextlib.suppress(ChildProcessError, OSError):
                os.waitpid(w, os.WNOHANG)
        time.sleep(0.1)
    left = [w for w in workers if Path(f"/proc/{w}").exists() and "zombie" not in Path(f"/proc/{w}/status").read_text()]
    assert not left, left


def test_load_script_runs_and_checks_the_criterion(tmp_path):
    """scripts/load.py for 3 s with few clients (the 60 s run is in docs/BENCHMARKS.md, not here)."""
    out = tmp_path / "load.json"
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "load.py"), "--duration", "3", "--clients", "4",
                           "--slow-connections", "3", "--json", str(out)], capture_output=True, text=True, timeout=120)
    figures = json.loads(out.read_text())
    assert figures["probe"]["n"] >= 20 and figures["fives"] == 0, done.stdout
    assert set(figures["checks"].values()) <= {True, False} and "probe p99" in done.stdout
    assert {"search", "trace", "read"} <= set(figures["status"]) and "junk" in figures["status"]
    assert done.returncode == (0 if all(figures["checks"].values()) else 1), done.stdout + done.stderr
    helped = subprocess.run([sys.executable, str(ROOT / "scripts" / "load.py"), "--help"], capture_output=True,
                            text=True, timeout=60)
    for option in ("--duration", "--clients", "--hostile", "--slow-connections", "--think", "--probe-ms", "--p99-ms",
                   "--rss-mb", "--seed", "--python", "--serve-arg", "--json", "--quiet"):
        assert option in helped.stdout
