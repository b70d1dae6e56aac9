"""The ``painkg`` command: a thin shell over the public functions.

Bad input prints one line on stderr naming the bad value and what would work,
and exits with status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import codecs
import contextlib
import re
import sys
import unicodedata
from collections.abc import Sequence

from . import __version__
from .errors import PainKGError
from .kb.graph import KnowledgeGraph, load
from .draw.styles import FORMATS
from .kb.vocab import Kind, Relation

EPILOG = ("environment:\n"
          "  PAINKG_CACHE=FOLDER  where loads keep the validated KB (default ~/.cache/painkg)\n"
          "  PAINKG_CACHE=off     no cache\n\n"
          "painkg is for education and decision-support research; it does not diagnose.")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (argparse's default prints usage too)
        self.exit(2, f"painkg: {message} (see `{self.prog} --help`)\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    out, err = _Terminal(sys.stdout), _Terminal(sys.stderr)
    try:
        with contextlib.redirect_stdout(out):
            return args.func(args) or 0
    except PainKGError as exc:
        # A KB problem list is many lines by design: one per problem.
        print(f"painkg: {exc}", file=err)
        return 2
    except BrokenPipeError:  # `painkg stats | head`: the reader left; not an error (a subclass of OSError)
        return 0
    except OSError as exc:
        where = f"{exc.filename}: " if exc.filename else ""
        print(f"painkg: {where}{exc.strerror or exc}", file=err)
        return 2


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="painkg",
        description="Trace where hip and low-back pain comes from, with the paths that explain it.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"painkg {__version__}")
    kb = argparse.ArgumentParser(add_help=False)
    kb.add_argument("--kb", metavar="FOLDER", help="use this knowledge-base folder instead of the bundled one")
    kb.add_argument("--merge", action="store_true", help="merge --kb FOLDER into the bundled knowledge base")
    sub = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser("trace", parents=[kb], help="rank the likely sources of the observed symptoms and findings",
                       description="Rank the candidate sources of a patient's pain and explain each. Terms may be "
                                   "labels, synonyms, abbreviations (FADIR, SLR, TTP over GT) or codes; 'no fever', "
                                   "'SLR -ve', 'afebrile' or 'no numbness or tingling' count as absent; 'worse with "
                                   "sitting' or 'relieved by bending forward' says how an activity acts on the pain; "
                                   "'a 72-year-old', '67M', 'T 38.9' and 'PVR 450ml' are read as the facts they state.",
                       epilog='example: painkg trace "groin pain" "limited hip internal rotation" '
                              '"low back pain" --absent numbness')
    p.add_argument("terms", nargs="+", metavar="TERM", help="observed symptom, finding or activity (quote phrases)")
    p.add_argument("--absent", nargs="+", default=[], metavar="TERM", help="symptoms or findings known to be absent")
    p.add_argument("--limit", type=_positive, default=10, metavar="N", help="candidates to list (default 10)")
    p.add_argument("--setting", default="primary-care", metavar="NAME",
                   help="where the patient is seen, which fixes the priors (default primary-care; "
                        "'painkg settings' lists them)")
    p.add_argument("--json", action="store_true", help="print one JSON object for machines")
    p.add_argument("--diagram", metavar="FILE", help="also draw the explanation (.png .svg .pdf .dot)")
    p.set_defaults(func=_trace)

    p = sub.add_parser("read", parents=[kb], help="read free text (a note, a sentence) into the KB's concepts",
                       description="Show what painkg reads in free text: each span read as a node, with whether it is "
                                   "present, absent or possible, current or past, the patient's or a relative's; and "
                                   "what it could not read, as outside the KB or not understood. Marks: [read], "
                                   "{not read}; colours on a terminal.",
                       epilog='example: painkg read "3/52 worsening L buttock pain, now hobbling. No saddle anaesthesia."')
    p.add_argument("text", nargs="+", metavar="TEXT", help="text to read (several are read as lines of one note)")
    p.add_argument("--json", action="store_true", help="print one JSON object for machines")
    p.add_argument("--colour", "--color", choices=("auto", "always", "never"), default="auto",
                   help="colour the marks (default: auto, on a terminal)")
    p.set_defaults(func=_read)

    p = sub.add_parser("settings", parents=[kb], help="list the settings a trace can assume, with their references",
                       epilog="example: painkg trace \"low back pain\" --setting spine-centre")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_settings)

    p = sub.add_parser("show", parents=[kb], help="show one node and its edges",
                       epilog="example: painkg show hip-osteoarthritis   |   painkg show coxarthrosis")
    p.add_argument("term", metavar="ID|TERM")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_show)

    p = sub.add_parser("search", parents=[kb], help="find nodes by label, synonym or code",
                       epilog='example: painkg search groin --kind symptom')
    p.add_argument("text", nargs="+", metavar="TEXT")
    p.add_argument("--kind", choices=[k.value for k in Kind], help="only nodes of this kind")
    p.add_argument("--limit", type=_positive, default=10, metavar="N")
    p.set_defaults(func=_search)

    p = sub.add_parser("validate", help="check a knowledge-base folder and list every problem",
                       epilog="example: painkg validate my-kb/ --merge")
    p.add_argument("folder", nargs="?", metavar="FOLDER", help="default: the bundled knowledge base")
    p.add_argument("--merge", action="store_true", help="validate FOLDER merged into the bundled KB")
    p.add_argument("--shacl", action="store_true", help="also check the RDF export against ontology/shapes.ttl")
    p.set_defaults(func=_validate)

    p = sub.add_parser("stats", parents=[kb], help="count nodes per kind, edges per relation, evidence coverage")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=_stats)

    p = sub.add_parser("render", parents=[kb], help="draw the knowledge graph or a focus on it (.png .svg .pdf .dot)",
                       epilog='example: painkg render hip.png --focus "hip osteoarthritis" --depth 2 --evidence')
    p.add_argument("file", metavar="FILE", help="output file; the suffix picks the format")
    p.add_argument("--focus", nargs="+", metavar="TERM", help="ids or terms to centre on (default: everything)")
    p.add_argument("--depth", type=_natural, default=2, metavar="N", help="hops from the focus (default 2)")
    p.add_argument("--relations", nargs="+", metavar="RELATION", choices=[r.value for r in Relation],
                   help="draw only these relations")
    p.add_argument("--kinds", nargs="+", metavar="KIND", choices=[k.value for k in Kind],
                   help="draw only these node kinds")
    p.add_argument("--evidence", action="store_true", help="put numbers and reference keys on edges")
    p.add_argument("--format", choices=FORMATS, help="override the suffix")
    p.set_defaults(func=_render)
    _add_rdf_commands(sub, kb)
    return parser


def _natural(text: str) -> int:
    if not text.isdigit():
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 0 or more")
    return int(text)


def _render(args) -> int:
    from .draw.diagram import render

    diagram = render(_kg(args), args.file, focus=args.focus, depth=args.depth, relations=args.relations,
                     kinds=args.kinds, format=args.format, evidence=args.evidence)
    _summary(diagram, args.file)
    return 0


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number")
    return value


def _kg(args) -> KnowledgeGraph:
    if args.merge and not args.kb:
        raise _usage("--merge needs --kb FOLDER")
    return load(args.kb, merge=args.merge)


class _UsageError(PainKGError, ValueError):
    pass


def _usage(message: str) -> _UsageError:
    return _UsageError(message)


def _trace(args) -> int:
    from .trace.infer import trace

    kg = _kg(args)
    result = trace(kg, args.terms, absent=args.absent, limit=args.limit, setting=args.setting)
    # The report first: a diagram that cannot be drawn (full disk, no Graphviz) must not hide it.
    if args.json:
        _print_json(result.to_dict())
    else:
        print(result)
    if args.diagram:
        from .draw.diagram import render_trace

        sys.stdout.flush()
        render_trace(result, args.diagram)
    return 0


def _read(args) -> int:
    kg = _kg(args)
    reading = kg.read("\n".join(args.text))
    if args.json:
        _print_json(reading.to_dict())
        return 0
    colour = args.colour == "always" or (args.colour == "auto" and sys.stdout.isatty())
    print(reading.marked(colour=colour))
    for span in reading.spans:
        print(f"  [{span.text}] {span.describe()}")
    for unread in reading.unread:
        print(f"  {unread}")
    if not reading.spans and not reading.unread:
        print("  nothing read")
    return 0


def _settings(args) -> int:
    found = _kg(args).settings()
    if args.json:
        _print_json([{"id": s.id, "label": s.label, "description": s.description,
                      "default_prior": s.default_prior, "references": list(s.references)} for s in found])
    else:
        for s in found:
            refs = f" [{', '.join(s.references)}]" if s.references else ""
            print(f"{s.id}: {s.label}{refs}\n  {s.description}")
    return 0


def _show(args) -> int:
    kg = _kg(args)
    node = kg.resolve(args.term)
    out = kg.edges(source=node.id)
    inc = kg.edges(target=node.id)
    if args.json:
        data = {
            "node": {f: _jsonable(getattr(node, f)) for f in node.__dataclass_fields__},
            "out": [_edge_json(e) for e in out],
            "in": [_edge_json(e) for e in inc],
        }
        _print_json(data)
        return 0
    lines = [f"{node.label}  ({node.kind.value}, id {node.id}, region {node.region.label})"]
    if node.red_flag:
        lines.append("RED FLAG")
    for label, value in (("synonyms", ", ".join(node.synonyms)), ("codes", ", ".join(node.codes)),
                         ("definition", node.definition)):
        if value:
            lines.append(f"  {label}: {value}")
    for title, edges in (("edges out", out), ("edges in", inc)):
        if edges:
            lines.append(f"{title}:")
            lines.extend(f"  {_edge_line(kg, e)}" for e in edges)
    print("\n".join(lines))
    return 0


def _edge_line(kg: KnowledgeGraph, e) -> str:
    numbers = ", ".join(f"{n} {getattr(e, n):g}" for n in ("frequency", "sensitivity", "specificity",
                                                          "lr_positive", "lr_negative")
                        if getattr(e, n) is not None)
    extra = "; ".join(x for x in (e.strength.value, numbers, e.qualifier and e.qualifier.value,
                                  "evidence: " + ", ".join(e.references)) if x)
    return f"{kg.node(e.source).label} —{e.relation.phrase}→ {kg.node(e.target).label}  [{extra}]"


def _print_json(data) -> None:
    import json  # only --json output needs it

    # Non-ASCII stays readable where the output can carry it, and becomes \\u escapes (the
    # same JSON) where it cannot; DEL, C1 controls and line separators, which json leaves
    # raw, are escaped too, so a terminal never receives them.
    ascii_only = not _unicode_capable(sys.stdout)
    text = json.dumps(data, indent=2, ensure_ascii=ascii_only)
    print(_JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def _edge_json(e) -> dict:
    return {f: _jsonable(getattr(e, f)) for f in e.__dataclass_fields__ if getattr(e, f) not in (None, "")}


def _jsonable(value):
    if isinstance(value, tuple):
        return list(value)
    return value.value if hasattr(value, "value") else value


def _search(args) -> int:
    kg = _kg(args)
    nodes = kg.search(" ".join(args.text), limit=args.limit, kind=args.kind)
    if not nodes:
        raise _usage(f"nothing matches {' '.join(args.text)!r} (try fewer or other words)")
    width = max(len(n.id) for n in nodes)
    for n in nodes:
        print(f"{n.id:<{width}}  {n.kind.value:<9}  {n.label}")
    return 0


def _validate(args) -> int:
    kg = load(args.folder, merge=args.merge)
    s = kg.stats()
    print(f"ok: {s['nodes']} nodes, {s['edges']} edges, {s['edges_with_evidence']} with evidence")
    if args.shacl:
        from .rdf.store import validate_shacl

        report = validate_shacl(kg)
        if not report.conforms:
            raise _usage(str(report))
        print(report)
    return 0


def _stats(args) -> int:
    s = _kg(args).stats()
    if args.json:
        _print_json(s)
        return 0
    lines = [f"{s['nodes']} nodes, {s['edges']} edges, {s['codes']} codes, {s['red_flags']} red flags"]
    lines.append("nodes per kind:")
    lines += [f"  {k:<14} {v:>5}" for k, v in s["kinds"].items()]
    lines.append("edges per relation:")
    lines += [f"  {r:<14} {v:>5}" for r, v in s["relations"].items()]
    edges = max(s["edges"], 1)
    lines.append("evidence:")
    for key, label in (("edges_with_evidence", "any evidence"), ("edges_with_literature", "literature"),
                       ("edges_with_numbers", "a published number")):
        lines.append(f"  {label:<20} {s[key]:>5}  ({100 * s[key] / edges:.1f} %)")
    print("\n".join(lines))
    return 0


def _add_rdf_commands(sub, kb) -> None:
    p = sub.add_parser("export", parents=[kb], help="write the knowledge base as RDF (.ttl .nt .jsonld .rdf)",
                       epilog="example: painkg export painkg.ttl   |   painkg export kg.data --format nt")
    p.add_argument("file", metavar="FILE", help="output file; the suffix picks the format")
    p.add_argument("--format", choices=["ttl", "nt", "jsonld", "rdf"], help="override the suffix")
    p.set_defaults(func=_export)
    p = sub.add_parser("sparql", parents=[kb], help="run a SPARQL SELECT or ASK query on the knowledge base",
                       epilog="example: painkg sparql ontology/queries/groin-referral.rq")
    p.add_argument("query", metavar="QUERY|FILE", help="query text, or a file holding it (painkg: prefixes predeclared)")
    p.add_argument("--json", action="store_true", help="print SPARQL 1.1 JSON results")
    p.set_defaults(func=_sparql)
    p = sub.add_parser("push", parents=[kb], help="replace a named graph of a SPARQL 1.1 store with the export",
                       epilog="example: painkg push http://localhost:7878/store --graph https://example.org/painkg")
    p.add_argument("url", metavar="URL", help="the store's Graph Store Protocol endpoint")
    p.add_argument("--graph", metavar="IRI", help="named graph to replace (default https://w3id.org/painkg/kb)")
    p.set_defaults(func=_push)


def _export(args) -> int:
    from .rdf.export import export

    _summary(export(_kg(args), args.file, args.format), args.file)
    return 0


def _summary(done, path: str) -> None:
    # `painkg export /dev/stdout | rapper …`: the summary must not land in the data.
    from pathlib import Path

    to_stream = str(Path(path).absolute()).startswith(("/dev/", "/proc/"))
    print(done, file=sys.stderr if to_stream else sys.stdout)


def _sparql(args) -> int:
    from .rdf.store import read_query, sparql

    rows = sparql(_kg(args), read_query(args.query))
    if args.json:
        names = list(dict.fromkeys(n for row in rows for n in row))
        bindings = [{n: _sparql_json(v) for n, v in row.items()} for row in rows]
        _print_json({"head": {"vars": names}, "results": {"bindings": bindings}})
        return 0
    from .rdf.ntriples import PREFIXES

    names = list(dict.fromkeys(n for row in rows for n in row))
    print("\t".join(names))
    for row in rows:
        print("\t".join(_sparql_text(row.get(n), PREFIXES) for n in names))
    return 0


def _sparql_text(value, prefixes) -> str:
    text = "" if value is None else str(value).lower() if isinstance(value, bool) else str(value)
    for prefix, base in prefixes.items():
        if text.startswith(base) and hasattr(value, "n3"):
            return f"{prefix}:{text[len(base):]}"
    return text.replace("\t", " ").replace("\n", " ")


def _sparql_json(value) -> dict:
    if isinstance(value, bool):
        return {"type": "literal", "value": str(value).lower(), "datatype": "http://www.w3.org/2001/XMLSchema#boolean"}
    kind = {"URIRef": "uri", "BNode": "bnode"}.get(type(value).__name__, "literal")
    cell = {"type": kind, "value": str(value)}
    if kind == "literal" and getattr(value, "datatype", None):
        cell["datatype"] = str(value.datatype)
    if kind == "literal" and getattr(value, "language", None):
        cell["xml:lang"] = value.language
    return cell


def _push(args) -> int:
    from .rdf.store import push

    options = {"graph": args.graph} if args.graph else {}
    print(push(_kg(args), args.url, **options))
    return 0


# -- what reaches the terminal ---------------------------------------------------------------------

#: Characters a terminal would act on rather than show: C0 controls but tab and newline,
#: DEL, C1 controls (ESC [ and CSI start escape sequences), line and paragraph separators,
#: and bidirectional overrides (which reorder what is shown).  A KB label is data, never a command.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
#: Plain spellings of the typography painkg prints, for terminals that cannot show it.
_PLAIN = {"—": "--", "–": "-", "→": "->", "←": "<-", "↔": "<->", "≥": ">=", "≤": "<=", "×": "x", "·": ".",
          "°": " deg", "’": "'", "‘": "'", "“": '"', "”": '"', "…": "...", "•": "*", "±": "+/-", "µ": "u",
          "↓": "decreased ", "↑": "increased ", "≈": "~"}


def _plain(error: UnicodeError) -> tuple[str, int]:
    """Codec error handler: spell an unencodable character plainly (é -> e, — -> --), else '?'."""
    char = error.object[error.start]
    plain = _PLAIN.get(char)
    if plain is None:
        plain = "".join(c for c in unicodedata.normalize("NFKD", char) if c.isascii()) or "?"
    return plain, error.start + 1


codecs.register_error("painkg.plain", _plain)


def _unicode_capable(stream) -> bool:
    encoding = (getattr(stream, "encoding", None) or "ascii").lower().replace("_", "-")
    return encoding in ("utf-8", "utf8", "utf-16", "utf-32", "utf-8-sig")


class _Terminal:
    """Wrap stdout or stderr: escape control characters, and never fail on an encoding.

    With ``PYTHONIOENCODING=ascii`` or a C locale, "—" is written "--" and "é" "e"
    instead of raising UnicodeEncodeError.
    """

    def __init__(self, stream) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        text = _CONTROL.sub(_escape, text)
        try:
            return self._stream.write(text)
        except UnicodeEncodeError:
            encoding = self._stream.encoding or "ascii"
            return self._stream.write(text.encode(encoding, "painkg.plain").decode(encoding))

    def flush(self) -> None:
        self._stream.flush()

    def __getattr__(self, name: str):
        return getattr(self._stream, name)


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


__all__ = ["main", "build_parser"]
