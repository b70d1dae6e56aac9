#!/usr/bin/env python3
"""Compare painkg's ConText with medspaCy's on the same spans, side by side.

Both judge the same targets: the spans painkg's reader finds in each text (node and
offsets) are handed to medspaCy as entities, and its ConText (default rules, PyRuSH
sentences) decides negated / possible / historical / hypothetical / family.  So the
comparison is of context alone, not of concept matching.  Cases:

* the denial sweep of tests/test_observe.py (43 forms × 15 red-flag names): expected absent;
* questions ("?X", "X not ruled out", ...): expected possible, never absent;
* the F1 red-flag phrasings of the reliability review: expected as a clinician reads them;
* tests/phrasings.tsv: each phrase names its node, present.

Needs medspaCy (not a painkg dependency): ``pip install medspacy`` in a scratch venv, then
``python scripts/compare_context.py``.  Prints accuracy per set and the import and reading
cost of each.
"""

from __future__ import annotations

import csv
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

NAMES = ["fever", "saddle anaesthesia", "urinary retention", "incontinence", "weight loss", "night pain",
         "bladder problems", "history of cancer", "trauma", "steroid use", "bilateral leg weakness", "numbness",
         "bowel incontinence", "IVDU", "sexual dysfunction"]
QUESTIONS = ["?{}", "query {}", "possible {}", "{} not ruled out", "{} not excluded", "cannot exclude {}",
             "suspected {}", "{}?", "r/o {}", "likely {}"]
F1 = [("urinary retention and SLR negative", {"urinary-retention": "present", "slr-test": "absent"}),
      ("saddle anaesthesia and reflexes normal", {"saddle-anaesthesia": "present"}),
      ("fever and SLR negative", {"fever": "present", "slr-test": "absent"}),
      ("urinary retention and bowels normal", {"urinary-retention": "present"}),
      ("no anal tone", {"reduced-anal-tone": "present"}), ("anal tone absent", {"reduced-anal-tone": "present"}),
      ("anal tone: nil", {"reduced-anal-tone": "present"}),
      ("perianal sensation absent", {"saddle-anaesthesia": "present"}),
      ("no perianal sensation", {"saddle-anaesthesia": "present"}),
      ("saddle sensation absent", {"saddle-anaesthesia": "present"}),
      ("no bladder control", {"urinary-incontinence": "present"}),
      ("no bowel control", {"bowel-incontinence": "present"}),
      ("no bladder sensation", {"bladder-dysfunction": "present"}),
      ("cauda equina syndrome not ruled out", {"cauda-equina-syndrome": "possible"}),
      ("saddle anaesthesia not excluded", {"saddle-anaesthesia": "possible"}),
      ("no improvement in urinary retention", {"urinary-retention": "present"}),
      ("no weakness - urinary retention", {"urinary-retention": "present"}),
      ("father had a hip replacement", {"total-hip-replacement": "other"}),
      ("L4/5 discectomy 2009, asymptomatic since", {"discectomy": "historical"}),
      ("groin strain last season, settled", {"adductor-related-groin-pain": "historical"})]


def main() -> int:
    import painkg
    from painkg.reading.read import read
    from test_observe import DENIALS

    kg = painkg.load()
    start = time.perf_counter()
    import medspacy
    nlp = medspacy.load(enable=["medspacy_pyrush", "medspacy_context"])
    medspacy_load = time.perf_counter() - start

    def ours(text):
        return {s.node.id: _status(s.polarity, s.time, s.experiencer) for s in read(kg, text).spans}

    def theirs(text):
        reading = read(kg, text)
        doc = nlp.make_doc(text)
        ents, seen = [], set()
        for s in reading.spans:
            span = doc.char_span(s.start, s.end, label=s.node.id, alignment_mode="expand")
            if span is not None and not any(k in seen for k in range(span.start, span.end)):
                seen.update(range(span.start, span.end))
                ents.append(span)
        doc.ents = ents
        for _, proc in nlp.pipeline:
            doc = proc(doc)
        out = {}
        for e in doc.ents:
            polarity = "absent" if e._.is_negated else "possible" if e._.is_uncertain else "present"
            time_ = "historical" if e._.is_historical else "hypothetical" if e._.is_hypothetical else "current"
            out[e.label_] = _status(polarity, time_, "other" if e._.is_family else "patient")
        return out

    sets = {
        "denial sweep (absent, or past)": [(f.format(n), _node(kg, n), "absent") for f in DENIALS for n in NAMES],
        "questions (possible)": [(f.format(n), _node(kg, n), "possible") for f in QUESTIONS for n in NAMES],
        "F1 red-flag phrasings": [(t, want, None) for t, want in F1],
        "tests/phrasings.tsv (present)": _phrasings(kg),
    }
    timings = {"painkg": [], "medspaCy": []}
    for title, cases in sets.items():
        scores = {"painkg": 0, "medspaCy": 0}
        for text, want, flag in cases:
            for who, fn in (("painkg", ours), ("medspaCy", theirs)):
                t0 = time.perf_counter()
                got = fn(text)
                timings[who].append(time.perf_counter() - t0)
                scores[who] += _right(kg, got, want, flag)
        print(f"{title:40} n={len(cases):4}  painkg {scores['painkg']:4} ({scores['painkg'] / len(cases):.1%})"
              f"   medspaCy {scores['medspaCy']:4} ({scores['medspaCy'] / len(cases):.1%})")
    print(f"medspaCy import + load: {medspacy_load:.2f} s; median per text: painkg "
          f"{statistics.median(timings['painkg']) * 1e3:.2f} ms, medspaCy (on painkg's spans, so painkg's time "
          f"included) {statistics.median(timings['medspaCy']) * 1e3:.2f} ms")
    return 0


def _status(polarity: str, time_: str, who: str) -> str:
    if who != "patient":
        return "other"
    return time_ if time_ != "current" else polarity


def _right(kg, got: dict, want, flag: str | None) -> bool:
    if flag == "absent":  # the named node read, and not as the patient's now ("resolved" is past: also right)
        return got.get(want) in ("absent", "historical")
    if flag == "possible":
        return got.get(want) == "possible"
    return all(got.get(n) == v for n, v in want.items())


def _node(kg, name: str) -> str:
    from painkg.reading.read import read

    return read(kg, name).spans[0].node.id


def _phrasings(kg):
    out = []
    with (ROOT / "tests" / "phrasings.tsv").open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            out.append((row["phrase"], {kg.resolve(row["expected"]).id: "present"}, None))
    return out


if __name__ == "__main__":
    raise SystemExit(main())
