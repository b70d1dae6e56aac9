"""The ``painkg`` command: a thin shell over the public functions.

Bad input prints one line on stderr naming the bad value and what would work,
and exits with status 2; never a traceback.
"""

from __future__ import annotations

import argparse
import atexit
import codecs
import contextlib
import errno
import gc
import io
import os
import re
import sys
import unicodedata
from collections.abc import Sequence

from . import __version__
from .errors import PainKGError
from .kb.graph import KnowledgeGraph, load
from .draw import FORMATS
from .kb.vocab import Kind, Relation

EPILOG = ("environment:\n"
          "  PAINKG_CACHE=FOLDER  where loads keep the validated KB (default ~/.cache/painkg)\n"
          "  PAINKG_CACHE=off     no cache\n"
          "  PAINKG_FAST=off      trace through the full networkx graph, not the cached fast path\n\n"
          "painkg is for education and decision-support research; it does not diagnose.")


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one line, exit 2 (argparse's default prints usage too)
        self.exit(2, f"painkg: {message} (see `{self.prog} --help`)\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    words = sys.argv[1:] if argv is None else list(argv)
    # Only the command asked for is built: argparse builds every parser in full (its help checked,
    # its messages translated), which for all of them is a few percent of a fast command.
    parser = build_parser(only=words[0] if words and words[0] in COMMANDS else None)
    try:
        args = parser.parse_args(words)
    except KeyboardInterrupt:
        return 130
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    # A stream the shell closed (`painkg stats >&-`) is None in Python: say so on first use.
    out = _Terminal(sys.stdout) if sys.stdout is not None else _Closed("standard output")
    err = _Terminal(sys.stderr) if sys.stderr is not None else _Closed("standard error")
    if argv is None:
        # This process's own command line, which ends with the command: the collector's last pass at
        # exit, over everything still alive (the KB, the reader's tables), would only delay the exit.
        atexit.register(gc.freeze)
    try:
        # Both streams: the status lines on stderr (`wrote … to PATH`) are escaped like the output.
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            return args.func(args) or 0
    except PainKGError as exc:
        # A KB problem list is many lines by design: one per problem.
        _say(f"painkg: {exc}", err)
        return _exit_status(exc)
    except BrokenPipeError:  # `painkg stats | head`: the reader left; not an error (a subclass of OSError)
        return 0
    except OSError as exc:  # the file system or the network failed: not the user's arguments
        where = f"{exc.filename}: " if exc.filename else ""
        _say(f"painkg: {where}{exc.strerror or exc}", err)
        return 1
    except KeyboardInterrupt:  # Ctrl-C: the shell's convention, 128 + SIGINT
        _say("painkg: interrupted", err)
        return 130
    except Exception as exc:  # noqa: BLE001  never a traceback for a user; one line that says it is ours
        if os.environ.get("PAINKG_TRACEBACK"):
            raise
        _say(f"painkg: internal error ({type(exc).__name__}: {_one_line(exc)}); this is a bug in painkg, please "
             f"report it (PAINKG_TRACEBACK=1 shows where)", err)
        return 1


def _say(line: str, err) -> None:
    with contextlib.suppress(Exception):  # stderr itself may be closed or full
        print(line, file=err)


def _one_line(exc: BaseException) -> str:
    return (str(exc).strip().splitlines() or [""])[0][:300]


#: The commands, as :func:`build_parser` adds them.
COMMANDS = ("trace", "read", "settings", "show", "search", "validate", "stats", "render", "export", "sparql", "push",
            "serve")


class _Commands:
    """The subparsers action, building only the parser of the command *only* when one is named."""

    def __init__(self, sub, only: str | None) -> None:
        self._sub, self._only = sub, only

    def add_parser(self, name: str, **kwargs):
        if self._only is not None and name != self._only:
            return _Unused()
        return self._sub.add_parser(name, **kwargs)


class _Unused:
    """Stands for the parser of a command not asked for: what it is told is not needed."""

    def add_argument(self, *args, **kwargs) -> None:
        pass

    def set_defaults(self, **kwargs) -> None:
        pass


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The command line's parser: every command's, or with *only* that command's alone."""
    parser = _Parser(
        prog="painkg",
        description="Trace where hip and low-back pain comes from, with the paths that explain it.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"painkg {__version__}")
    kb = _Parser(add_help=False)
    kb.add_argument("--kb", metavar="FOLDER", help="use this knowledge-base folder instead of the bundled one")
    kb.add_argument("--merge", action="store_true", help="merge --kb FOLDER into the bundled knowledge base")
    sub = _Commands(parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=_Parser), only)

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
    p.add_argument("--json", action="store_true", help="print JSON")
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
    p.add_argument("--max-nodes", type=_positive, default=None, metavar="N",
                   help="draw at most N nodes, the closest to the focus first (default 40)")
    p.add_argument("--all-nodes", action="store_true", help="draw every node selected, however many")
    p.add_argument("--format", choices=FORMATS, help="override the suffix")
    p.set_defaults(func=_render)
    _add_rdf_commands(sub, kb)

    p = sub.add_parser("serve", parents=[kb], help="start the explorer: a local web app to build a case and follow the why",
                       description="Serve the explorer (needs the web extra: pip install 'painkg[web]') and print its "
                                   "address; opens no browser. Ctrl-C stops it.",
                       epilog="example: painkg serve --port 8000   (then open http://127.0.0.1:8000/)")
    p.add_argument("--host", default="127.0.0.1", metavar="ADDRESS",
                   help="address to listen on (default 127.0.0.1: this machine only)")
    p.add_argument("--port", type=_natural, default=8000, metavar="N", help="port (default 8000; 0 picks a free one)")
    p.add_argument("--public", action="store_true",
                   help="allow --host 0.0.0.0 or :: (every network interface: anyone who can reach this machine)")
    p.set_defaults(func=_serve)
    return parser


def _natural(text: str) -> int:
    # ASCII digits only: int() and str.isdigit() also take "５", "٣" and "²".
    if not (text.isascii() and text.isdigit()):
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of 0 or more (allowed: ASCII digits 0-9)")
    return int(text)


def _render(args) -> int:
    from .draw.diagram import render

    from .draw.diagram import MAX_NODES

    limit = None if args.all_nodes else (args.max_nodes or MAX_NODES)
    diagram = render(_kg(args), args.file, focus=args.focus, depth=args.depth, relations=args.relations,
                     kinds=args.kinds, format=args.format, evidence=args.evidence, max_nodes=limit)
    _summary(diagram, args.file)
    return 0


def _positive(text: str) -> int:
    value = int(text) if text.isascii() and text.isdigit() else 0  # ASCII only: int() also reads "５" and " 5_0"
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a positive whole number (allowed: ASCII digits 0-9)")
    return value


def _kg(args) -> KnowledgeGraph:
    if args.merge and not args.kb:
        raise _usage("--merge needs --kb FOLDER")
    return load(args.kb, merge=args.merge)


class _UsageError(PainKGError, ValueError):
    pass


def _exit_status(exc: PainKGError) -> int:
    """2 for bad usage (arguments, terms, queries), 1 for bad data or a failed operation (like robot and riot).

    A diagram that cannot be drawn (no Graphviz, an unknown suffix) stays 2, as the render tests expect.
    """
    from .errors import RenderError, TraceError, UnknownTermError

    return 2 if isinstance(exc, (_UsageError, UnknownTermError, TraceError, RenderError)) else 1


def _usage(message: str) -> _UsageError:
    return _UsageError(message)


def _trace(args) -> int:
    from .kb.memory import collector_paused

    if args.diagram is not None and not args.diagram.strip():
        raise _usage("--diagram needs a file name (allowed: a .png, .svg, .pdf or .dot file)")
    # Importing the reading and trace wings, restoring the cached tables and writing the report allocate
    # many containers, none of them cyclic garbage: the collector's passes over them were a tenth of
    # this command's time.
    with collector_paused():
        from .trace.infer import trace
        result = _fast_trace(args) if not args.diagram else None
        if result is None:
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


def _fast_trace(args):
    """The trace served from painkg's cache (KB, compiled table, phrase table) without importing networkx.

    The same trace code runs, on a :class:`~painkg.kb.light.LightGraph` of the cached KB; None
    when the KB is not cached, or the light graph lacks something asked of it: then the full
    path runs, and gives the same result (tests/test_fast.py compares their output byte for byte).
    ``PAINKG_FAST=off`` turns it off.
    """
    if (os.environ.get("PAINKG_FAST") or "").strip().lower() in ("0", "off", "no", "false"):
        return None
    if args.merge and not args.kb:
        return None  # the full path says why
    from .kb.graph import load_cached
    from .trace.infer import trace

    try:
        kg = load_cached(args.kb, merge=args.merge)
    except Exception:  # noqa: BLE001  the full load meets the same problem and reports it
        return None
    if kg is None:
        return None
    try:
        return trace(kg, args.terms, absent=args.absent, limit=args.limit, setting=args.setting)
    except PainKGError:
        raise  # the user's terms or setting: the full path would say the same
    except (AttributeError, TypeError, KeyError):  # something the light graph does not offer: the full path
        return None


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
            "out": [_edge_json(kg, e) for e in out],
            "in": [_edge_json(kg, e) for e in inc],
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
                                  "evidence: " + ", ".join(_cited(kg, key) for key in e.references)) if x)
    return f"{kg.node(e.source).label} —{e.relation.phrase}→ {kg.node(e.target).label}  [{extra}]"


def _cited(kg: KnowledgeGraph, key: str) -> str:
    """A reference key with the kind of evidence it is: "altman1991 (cohort or cross-sectional study)"."""
    from .kb.evidence import KINDS, kind

    name = kind(key, kg.references.get(key, {}).get("citation", ""))
    return key if name in ("seed", "anatomy") else f"{key} ({KINDS[name]})"


def _print_json(data) -> None:
    import json  # only --json output needs it

    # Non-ASCII stays readable where the output can carry it, and becomes \\u escapes (the
    # same JSON) where it cannot; DEL, C1 controls and line separators, which json leaves
    # raw, are escaped too, so a terminal never receives them.
    ascii_only = not _unicode_capable(sys.stdout)
    text = json.dumps(data, indent=2, ensure_ascii=ascii_only)
    print(_JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", text))


def _edge_json(kg: KnowledgeGraph, e) -> dict:
    from .kb.evidence import kind

    data = {f: _jsonable(getattr(e, f)) for f in e.__dataclass_fields__ if getattr(e, f) not in (None, "")}
    # The kind of evidence each reference is (painkg.kb.evidence), beside the keys, in their order.
    data["evidence_kinds"] = [kind(key, kg.references.get(key, {}).get("citation", "")) for key in e.references]
    return data


def _jsonable(value):
    if isinstance(value, tuple):
        return list(value)
    return value.value if hasattr(value, "value") else value


def _search(args) -> int:
    kg = _kg(args)
    nodes = kg.search(" ".join(args.text), limit=args.limit, kind=args.kind)
    if not nodes:
        raise _usage(f"nothing matches {' '.join(args.text)!r} (try fewer or other words)")
    if args.json:
        _print_json([{f: _jsonable(getattr(n, f)) for f in n.__dataclass_fields__} for n in nodes])
        return 0
    width = max(len(n.id) for n in nodes)
    for n in nodes:
        print(f"{n.id:<{width}}  {n.kind.value:<9}  {n.label}")
    return 0


def _validate(args) -> int:
    kg = load(args.folder, merge=args.merge)
    s = kg.stats()
    print(f"ok: {s['nodes']} nodes, {s['edges']} edges, {s['edges_with_evidence']} with evidence")
    if args.shacl:
        from .errors import RDFError
        from .rdf.store import validate_shacl

        report = validate_shacl(kg)
        if not report.conforms:
            raise RDFError(str(report))
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


EXPORT_FORMATS = ("ttl", "turtle", "nt", "ntriples", "n-triples", "jsonld", "json-ld", "rdf", "xml", "rdfxml",
                  "rdf/xml", "kgx")
SPARQL_FORMATS = ("table", "json", "csv", "tsv", "xml", "ttl", "turtle", "nt", "ntriples", "jsonld", "rdf")


def _add_rdf_commands(sub, kb) -> None:
    p = sub.add_parser("export", parents=[kb], help="write the knowledge base as RDF (.ttl .nt .jsonld .rdf) or KGX",
                       epilog="examples: painkg export painkg.ttl   |   painkg export - --format nt | rapper -i ntriples "
                              "-c -   |   painkg export kgx/   (KGX nodes.tsv + edges.tsv)")
    p.add_argument("file", metavar="FILE|FOLDER/|-", help="output file (the suffix picks the format), a folder for "
                                                        "KGX, or - for standard output")
    p.add_argument("--format", choices=EXPORT_FORMATS, metavar="FORMAT",
                   help=f"override the suffix ({', '.join(EXPORT_FORMATS)}); default for -: ttl")
    p.add_argument("--json", action="store_true", help="report what was written as JSON on standard output")
    p.set_defaults(func=_export)
    p = sub.add_parser("sparql", parents=[kb], help="run a SPARQL query (SELECT, ASK, CONSTRUCT) on the knowledge base",
                       epilog="examples: painkg sparql ontology/queries/groin-referral.rq --format csv   |   "
                              "echo 'ASK { ?s a painkg:Condition }' | painkg sparql -")
    p.add_argument("query", metavar="QUERY|FILE|-", help="query text, a file holding it, or - for standard input "
                                                       "(painkg: node: skos: … prefixes predeclared)")
    p.add_argument("--format", choices=SPARQL_FORMATS, metavar="FORMAT",
                   help="SELECT/ASK: table (default), json, csv, tsv, xml; CONSTRUCT/DESCRIBE: ttl (default), nt, "
                        "jsonld, rdf")
    p.add_argument("--json", action="store_true", help="same as --format json (SPARQL 1.1 JSON results)")
    p.add_argument("--allow-service", action="store_true",
                   help="let SERVICE clauses query other servers (refused by default)")
    p.add_argument("--timeout", type=_seconds, default=30.0, metavar="SECONDS",
                   help="stop the query when it runs longer (default 30); Ctrl-C stops it too")
    p.set_defaults(func=_sparql)
    p = sub.add_parser("push", parents=[kb], help="replace a named graph of a SPARQL 1.1 store with the export",
                       epilog="example: painkg push http://localhost:7878/store --graph https://example.org/painkg")
    p.add_argument("url", metavar="URL", help="the store's Graph Store Protocol endpoint (user:password@ for basic auth)")
    p.add_argument("--graph", metavar="IRI", help="named graph to replace (default https://w3id.org/painkg/kb)")
    p.add_argument("--timeout", type=_seconds, default=120.0, metavar="SECONDS",
                   help="give up when the whole request takes longer (default 120)")
    p.add_argument("--json", action="store_true", help="report what was pushed as JSON on standard output")
    p.set_defaults(func=_push)


_DECIMAL = re.compile(r"[0-9]+(?:\.[0-9]*)?|\.[0-9]+", re.ASCII)


def _seconds(text: str) -> float:
    # A plain ASCII decimal: float() would also take "５", "1_0", "1e3", "nan" and "inf".
    value = float(text) if _DECIMAL.fullmatch(text) else 0.0
    if not 0 < value < 1e6:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds above 0")
    return value


def _status(message: object, data: dict | None, as_json: bool) -> None:
    """Status lines go to stderr; with --json, the same facts go to stdout for machines."""
    if as_json and data is not None:
        _print_json(data)
    else:
        print(message, file=sys.stderr)


def _export(args) -> int:
    from .errors import RDFError
    from .rdf.export import export, rdf_format, write

    folder = args.file.endswith(("/", "\\")) or (args.file != "-" and os.path.isdir(args.file))
    kgx = args.format == "kgx" or (args.format is None and folder)
    if args.file == "-" and kgx:
        raise _usage("export -: KGX is a folder of two files (allowed: a folder such as kgx/)")
    if args.file == "-" and args.json:
        raise _usage("export -: --json would mix the report into the data on standard output")
    try:
        fmt = "kgx" if kgx else rdf_format(args.file, args.format or ("ttl" if args.file == "-" else None))
    except RDFError as exc:  # an unknown suffix or format is the user's argument, not bad data
        raise _usage(str(exc)) from exc
    kg = _kg(args)
    if kgx:
        from .rdf.kgx import to_kgx

        written = to_kgx(kg, args.file)
        _status(written, {"path": str(written.folder), "format": "kgx", "nodes": written.nodes,
                          "edges": written.edges}, args.json)
    elif args.file == "-":
        text = io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", newline="\n", write_through=True)
        try:
            count = write(kg, text, fmt)
            text.flush()
        finally:
            text.detach()  # leave sys.stdout's buffer open
        print(f"wrote {count} triples to standard output ({fmt})", file=sys.stderr)
    else:
        exported = export(kg, args.file, fmt)
        _status(exported, {"path": str(exported.path), "format": exported.format, "triples": exported.triples},
                args.json)
    return 0


def _read_query(text: str) -> str:
    from .rdf.store import decode_query, read_query

    if text == "-":
        if sys.stdin is None:
            raise _usage("-: standard input is closed (allowed: a query on standard input, a file, or the text)")
        return decode_query(sys.stdin.buffer.read(), "<stdin>")
    return read_query(text)


def _summary(done, path: str) -> None:
    # `painkg render /dev/stdout --format svg | …`: the summary must not land in the data.
    from pathlib import Path

    to_stream = str(Path(path).absolute()).startswith(("/dev/", "/proc/"))
    print(done, file=sys.stderr if to_stream else sys.stdout)


def _sparql(args) -> int:
    from .errors import QueryError, RDFError
    from .rdf.store import open_store, query, result_format, run_bounded, write_results

    fmt = "json" if args.json else args.format
    if args.json and args.format not in (None, "json"):
        raise _usage(f"--json and --format {args.format} disagree (pick one)")
    text = _read_query(args.query)
    opener = _cached_store(args)
    if opener is None:
        store = open_store(_kg(args))
        opener = lambda: store  # noqa: E731

    def evaluate() -> bytes:
        """Open, parse, check, evaluate and print: in a child process stopped at --timeout (or by Ctrl-C)."""
        result = query(opener(), text, allow_service=args.allow_service)
        graph = type(result).__name__ == "QueryTriples"
        chosen = fmt or ("ttl" if graph else "table")
        if chosen != "table" or graph:
            try:
                chosen = result_format(chosen, result)
            except RDFError as exc:  # the format asked for does not fit the query: bad usage
                raise QueryError(str(exc)) from exc
        if chosen == "table":
            _print_table(result)
        else:
            out = _TerminalBytes(sys.stdout) if _isatty(sys.stdout) else sys.stdout.buffer
            write_results(result, out, chosen)
            out.flush()
        return b""

    try:
        run_bounded(evaluate, timeout=args.timeout)
    except QueryError as exc:  # the query text or the format asked for: bad usage
        raise _usage(str(exc)) from exc
    return 0


def _cached_store(args):
    """How to open the store of an unchanged KB, kept in the cache: no KB load, no networkx, no parse; else None."""
    if args.merge and not args.kb:
        return None  # the full path says why
    from .kb.graph import cache_key
    from .rdf.store import cached_store

    try:
        key = cache_key(args.kb, merge=args.merge)
    except Exception:  # noqa: BLE001  the full load meets the same problem and reports it
        return None
    return cached_store(key)


def _isatty(stream) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError, OSError):
        return False


def _print_table(result) -> None:
    """SELECT as tab-separated text with compact names (node:hip-joint), ASK as true/false."""
    from .rdf.ntriples import PREFIXES

    if type(result).__name__ == "QueryBoolean":
        print(str(bool(result)).lower())
        return
    names = [v.value for v in result.variables]
    lines = ["\t".join(names)]
    for row in result:
        lines.append("\t".join(_table_cell(row[n], PREFIXES) for n in names))
    print("\n".join(lines))


def _table_cell(term, prefixes) -> str:
    if term is None:
        return ""
    text = term.value
    if type(term).__name__ == "NamedNode":
        for prefix, base in prefixes.items():
            if text.startswith(base):
                return f"{prefix}:{text[len(base):]}"
    return text.replace("\t", " ").replace("\n", " ").replace("\r", " ")


def _push(args) -> int:
    from .errors import RDFError
    from .rdf.store import check_url, push

    try:
        check_url(args.url)
    except RDFError as exc:
        raise _usage(str(exc)) from exc
    options = {"graph": args.graph} if args.graph else {}
    pushed = push(_kg(args), args.url, timeout=args.timeout, **options)
    _status(pushed, {"url": pushed.url, "graph": pushed.graph, "triples": pushed.triples, "status": pushed.status},
            args.json)
    return 0


def _serve(args) -> int:
    """Serve the explorer until Ctrl-C (painkg.web.serve); a busy port is one line, exit 1."""
    try:
        import uvicorn  # noqa: F401  (the web extra)

        from .web.serve import Refused, plan, serve
    except ImportError as exc:
        raise _usage(f"serve: the explorer needs the web extra ({exc.name} is missing: "
                     f"pip install 'painkg[web]', or '.[web]' in a clone)") from exc
    if args.port > 65535:
        raise _usage(f"--port {args.port}: ports run from 0 to 65535")
    try:
        plan(args.host, public=args.public)  # refused before the KB is loaded
        kg = _kg(args)
        return serve(kg, args.host, args.port, public=args.public)
    except Refused as exc:
        raise _usage(str(exc)) from None


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
    if not isinstance(error, UnicodeEncodeError):  # registered for writing text; a decoder's error is not ours
        raise error
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


class _TerminalBytes:
    """Wrap a terminal's binary stream (SPARQL CSV, TSV, XML, Turtle…): escape control characters, as _Terminal does.

    Only for a terminal: in a pipe or a file the results are data and pass unchanged.  A CRLF
    line end (SPARQL CSV) shows as a line end; a lone CR, ESC, BEL or a C1 control is escaped.
    """

    def __init__(self, stream) -> None:
        self._stream = stream
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")

    def write(self, data: bytes) -> int:
        text = self._decoder.decode(bytes(data))
        self._stream.write(_CONTROL.sub(_escape, text.replace("\r\n", "\n")))
        return len(data)

    def flush(self) -> None:
        rest = self._decoder.decode(b"", final=True)
        if rest:
            self._stream.write(_CONTROL.sub(_escape, rest))
        self._stream.flush()


class _Closed:
    """Stands for a standard stream the shell closed (``>&-``): any use is one clear OSError."""

    def __init__(self, name: str) -> None:
        self._name = name

    def isatty(self) -> bool:
        return False

    def flush(self) -> None:
        pass

    def __getattr__(self, attribute: str):
        raise OSError(errno.EBADF, f"{self._name} is closed (allowed: an open stream, e.g. >/dev/null)")


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


__all__ = ["main", "build_parser"]
