"""The ``topodoc`` command line: a thin shell over the core.

Exit codes: 0 success (warnings allowed), 1 the topology has errors (or, for ``drift``, the lab
drifted), 2 usage, I/O or internal error.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable

from topodoc import __version__
from topodoc.cli import drift, render
from topodoc.cli.common import (
    EXIT_ERROR,
    EXIT_INVALID,
    EXIT_OK,
    InvalidTopology,
    UsageError,
    add_path_arg,
    load,
    load_valid,
    print_problems,
    write_output,
)
from topodoc.errors import TopodocError


def cmd_validate(args: argparse.Namespace) -> int:
    loaded = load(args.path)
    model = loaded.model
    io_failure = any(p.rule == "io" for p in loaded.problems)
    if args.format == "json":
        print(json.dumps({
            "ok": loaded.ok, "errors": len(loaded.errors), "warnings": len(loaded.warnings),
            "objects": len(model.objects), "files": len(model.files),
            "problems": [p.to_json() for p in loaded.problems],
            "silenced": [s.to_json() for s in loaded.silenced],
        }, indent=2, ensure_ascii=False))
    else:
        print_problems(loaded, sys.stdout)
        for entry in loaded.silenced:
            print(f"{entry.problem.loc}: silenced: {entry.problem.message} "
                  f"[{entry.problem.rule}] -- {entry.reason}")
        print(f"{args.path}: {len(loaded.errors)} error(s), {len(loaded.warnings)} warning(s), "
              f"{len(loaded.silenced)} silenced; {len(model.objects)} objects in "
              f"{len(model.files)} file(s)", file=sys.stderr)
    if io_failure:
        return EXIT_ERROR
    return EXIT_OK if loaded.ok else EXIT_INVALID


def cmd_export(args: argparse.Namespace) -> int:
    from topodoc.model.export import export_text

    loaded = load_valid(args.path)
    root = args.path if os.path.isdir(args.path) else os.path.dirname(args.path) or "."
    text = export_text(loaded.model, os.path.abspath(root))
    if args.output in (None, "-"):
        sys.stdout.write(text)
    else:
        write_output(args.output, text)
        print(f"wrote {args.output}", file=sys.stderr)
    return EXIT_OK


def cmd_impact(args: argparse.Namespace) -> int:
    from topodoc.analysis.impact import impact_table
    from topodoc.analysis.impact_text import impact_json, impact_text

    model = load_valid(args.path).model
    unknown = [t for t in args.object if t not in model.objects]
    if unknown:
        raise UsageError(f"--object: no object {', '.join(map(repr, unknown))} in {args.path}")
    rows = impact_table(model, args.object or None)
    if args.format == "json":
        print(json.dumps(impact_json(model, rows), indent=2, ensure_ascii=False))
    else:
        sys.stdout.write(impact_text(model, rows))
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from topodoc.reading.schema import schema_text

    sys.stdout.write(schema_text())
    return EXIT_OK


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="topodoc", description="One topology for a private cloud lab: validate it, "
        "export it, analyse failures, render diagrams, and check the live lab for drift.")
    parser.add_argument("--version", action="version", version=f"topodoc {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    p = sub.add_parser("validate", help="check the topology and list every problem",
                       description="Check the topology: YAML, schema and semantic rules. "
                       "Prints FILE:LINE:COL: SEVERITY: MESSAGE [RULE] per problem, then what "
                       "the topology silenced and why. Exit 0 valid, 1 errors, 2 I/O error.")
    add_path_arg(p)
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser("export", help="write the resolved model as versioned JSON",
                       description="Write the resolved model as JSON with a format_version. "
                       "The same topology always gives the same bytes.")
    add_path_arg(p)
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser("impact", help="what fails with each host or failure domain",
                       description="For each physical host, failure domain and site (or the "
                       "objects given with --object): what goes down with it, which clusters "
                       "lose quorum, and what fraction of each control plane is lost.")
    add_path_arg(p)
    p.add_argument("--object", action="append", default=[], metavar="ID",
                   help="analyse this object instead (repeatable)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.set_defaults(func=cmd_impact)

    p = sub.add_parser("schema", help="print the topology's JSON Schema",
                       description="Print the JSON Schema of one topology file, for editors "
                       "and other tools.")
    p.set_defaults(func=cmd_schema)

    render.add_parser(sub)
    drift.add_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except InvalidTopology as exc:
        print(f"topodoc: {exc}", file=sys.stderr)
        return exc.code
    except TopodocError as exc:
        print(f"topodoc {args.command}: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("topodoc: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: say so plainly, without a traceback
        if os.environ.get("TOPODOC_DEBUG"):
            raise
        print(f"topodoc {args.command}: internal error: {type(exc).__name__}: {exc} "
              "(set TOPODOC_DEBUG=1 for a traceback, and please report it)", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
