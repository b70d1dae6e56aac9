#!/usr/bin/env python3
"""Write ``ontology/english-words.txt``: everyday English words the reader must never "correct".

The reader corrects a misspelt word to the nearest KB word ("sciatia" is sciatica), and knows a real
word by the words of HPO's and ICD-10-CM's names (``lexicon-words.txt``).  Those hold few everyday
words, so "should" had been read as the shoulder, "underwent" as underweight and "unbearable" as
unremarkable.  This list adds the common words of SCOWL's small British and American lists (size 35;
Debian packages ``wbritish-small`` and ``wamerican-small``), lower case, letters only, 5 letters or
more (shorter words are never corrected).  SCOWL's copyright notice is ``ontology/SCOWL-LICENSE.txt``.
Usage::

    apt-get install -y wbritish-small wamerican-small
    python scripts/build_english_words.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SOURCES = (Path("/usr/share/dict/british-english-small"), Path("/usr/share/dict/american-english-small"))
OUT = ROOT / "ontology" / "english-words.txt"
HEADER = ("# Everyday English words (5 letters or more) the reader never corrects to a KB word: SCOWL size 35,\n"
          "# British and American (Debian wbritish-small, wamerican-small). Copyright notice: SCOWL-LICENSE.txt.\n"
          "# Built by scripts/build_english_words.py.\n")


def words(paths=SOURCES) -> list[str]:
    found: set[str] = set()
    for path in paths:
        for line in path.read_text(encoding="utf-8", errors="replace").split():
            if len(line) >= 5 and line.isascii() and line.isalpha() and line.islower():
                found.add(line)  # proper nouns (capitalised) are left out: "Blumberg" is a sign, not a word
    return sorted(found)


def main() -> int:
    missing = [str(p) for p in SOURCES if not p.is_file()]
    if missing:
        print(f"missing word lists: {', '.join(missing)} (apt-get install -y wbritish-small wamerican-small)",
              file=sys.stderr)
        return 1
    found = words()
    OUT.write_text(HEADER + "\n".join(found) + "\n", encoding="utf-8")
    print(f"wrote {OUT.relative_to(ROOT)}: {len(found)} words")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
