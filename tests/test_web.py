"""The explorer's JSON API through Starlette's TestClient, on the real bundled KB (no mocks),
and `painkg serve` as a real process."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
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


def test_the_last_word_on_a_finding_wins(client):
    data = ok(client.get("/api/trace?present=numbness&present=groin-pain&absent=numbness"))
    assert [(f["id"], f["state"]) for f in data["case"]["findings"]] == [("groin-pain", "present"),
                                                                        ("numbness", "absent")]


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
        ("age-over-50", "present", None), ("age-over-70", "absent", None), ("female-sex", "present", None),
        ("groin-pain", "present", None), ("walking", "present", "aggravated-by"), ("numbness", "absent", None),
        ("cauda-equina-syndrome", "possible", None)]
    assert {"node": "total-hip-replacement", "experiencer": "other"}.items() <= next(
        s for s in data["spans"] if s["node"] == "total-hip-replacement").items()
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
    node = client.get("/api/node/fadirr tst blah")
    assert node.status_code == 422 and "FADIR test" in node.json()["suggestions"]
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
