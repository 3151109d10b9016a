"""The ``topodoc`` command line: a thin shell over the core.

Exit codes: 0 success (warnings allowed), 1 the topology has errors (or, for ``drift``, the lab
drifted), 2 usage, I/O or internal error. ``topodoc`` without a command lists the commands and
exits 2 (nothing was done), as a wrong option does.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from topodoc import __version__
from topodoc.cli import drift, render
from topodoc.cli.common import (
    EXIT_ERROR,
    EXIT_INVALID,
    EXIT_OK,
    InvalidTopology,
    UsageError,
    add_path_arg,
    exit_codes,
    load,
    load_valid,
    print_problems,
    write_output,
)
from topodoc.cli.style import color_wanted, located, paint, terminal_width
from topodoc.errors import TopodocError
from topodoc.model.problems import Location, Problem
from topodoc.reading.load import Loaded
from topodoc.util.secrets import redact
from topodoc.util.suggest import did_you_mean
from topodoc.util.text import plural


def _summary(loaded: Loaded, path: str, show_silenced: bool) -> str:
    silenced = len(loaded.silenced)
    hint = " (list them with --show-silenced)" if silenced and not show_silenced else ""
    return (
        f"{path}: {plural(len(loaded.errors), 'error')}, "
        f"{plural(len(loaded.warnings), 'warning')}, {silenced} silenced{hint}; "
        f"{plural(len(loaded.model.objects), 'object')} in "
        f"{plural(len(loaded.model.files), 'file')}"
    )


def _validate_json(document: dict[str, Any]) -> None:
    print(json.dumps(document, indent=2, ensure_ascii=False))


def cmd_validate(args: argparse.Namespace) -> int:
    try:
        loaded = load(args.path)
    except UsageError as exc:
        if args.format != "json":
            raise
        problem = Problem("io", "error", str(exc), Location(args.path, 1, 1))
        _validate_json(
            {
                "ok": False,
                "errors": 1,
                "warnings": 0,
                "objects": 0,
                "files": 0,
                "problems": [problem.to_json()],
                "silenced": [],
            }
        )
        return EXIT_ERROR
    model = loaded.model
    io_failure = any(p.rule == "io" for p in loaded.problems)
    if args.format == "json":
        _validate_json(
            {
                "ok": loaded.ok,
                "errors": len(loaded.errors),
                "warnings": len(loaded.warnings),
                "objects": len(model.objects),
                "files": len(model.files),
                "problems": [p.to_json() for p in loaded.problems],
                "silenced": [s.to_json() for s in loaded.silenced],
            }
        )
    else:
        print_problems(loaded, sys.stdout)
        on = color_wanted(sys.stdout)
        for entry in loaded.silenced if args.show_silenced else ():
            problem = entry.problem
            print(
                located(
                    problem.loc,
                    "silenced",
                    f"{problem.message} [{problem.rule}] -- {entry.reason}",
                    on,
                )
            )
        print(_summary(loaded, args.path, args.show_silenced), file=sys.stderr)
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
    for option, ids, known, what in (
        ("--object", args.object, model.objects, "object"),
        ("--together", [i for group in args.together for i in group], model.objects, "object"),
        ("--scenario", args.scenario, model.scenarios, "scenario"),
    ):
        if unknown := [t for t in ids if t not in known]:
            raise UsageError(f"{option}: no {what} {', '.join(map(repr, unknown))} in {args.path}")
    rows = impact_table(model, args.object, args.together, args.scenario)
    if args.format == "json":
        print(json.dumps(impact_json(model, rows), indent=2, ensure_ascii=False))
    else:
        width = args.width if args.width is not None else terminal_width(sys.stdout)
        sys.stdout.write(impact_text(model, rows, width))
    return EXIT_OK


def cmd_schema(args: argparse.Namespace) -> int:
    from topodoc.reading.schema import schema_text

    sys.stdout.write(schema_text())
    return EXIT_OK


class HelpFormatter(argparse.HelpFormatter):
    """Descriptions wrapped to the terminal; a text of several lines (the exit codes) kept
    as written."""

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if "\n" in text:
            return "\n".join(indent + line for line in text.splitlines())
        return super()._fill_text(text, width, indent)


class Parser(argparse.ArgumentParser):
    """argparse, with the word ``error:`` highlighted on a terminal, and
    :class:`HelpFormatter`."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(
            EXIT_ERROR,
            f"{self.prog}: {paint('error:', 'error', color_wanted(sys.stderr))} {message}\n",
        )


VALIDATE_EXITS = exit_codes(
    "0  valid (warnings allowed)",
    "1  the topology has errors",
    "2  usage error, or a file or directory cannot be read",
)
MODEL_EXITS = exit_codes(
    "0  done",
    "1  the topology has errors (nothing written)",
    "2  usage error, or a file cannot be read or written",
)


def _format_arg(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people (default) or JSON for programs",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="topodoc",
        description="One topology for a private cloud lab: validate it, "
        "export it, analyse failures, render diagrams, and check the live lab for drift.",
        epilog="Run 'topodoc COMMAND --help' for a command's options and exit codes. "
        "Exit codes: 0 success, 1 the topology has errors or the lab drifted, 2 usage, I/O or "
        "internal error (also: no command given).",
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"topodoc {__version__}",
        help="print topodoc's version and exit",
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")

    p = sub.add_parser(
        "validate",
        help="check the topology and list every problem",
        description="Check the topology: YAML, schema and semantic rules. "
        "Prints FILE:LINE:COL: SEVERITY: MESSAGE [RULE] per problem, and a "
        "summary with how many problems the topology silenced on purpose.",
        epilog=VALIDATE_EXITS,
    )
    add_path_arg(p)
    _format_arg(p)
    p.add_argument(
        "--show-silenced",
        action="store_true",
        help="also list each silenced problem with its reason (text format; JSON always has them)",
    )
    p.set_defaults(func=cmd_validate)

    p = sub.add_parser(
        "export",
        help="write the resolved model as versioned JSON",
        description="Write the resolved model as JSON with a format_version. "
        "The same topology always gives the same bytes.",
        epilog=MODEL_EXITS,
    )
    add_path_arg(p)
    p.add_argument("-o", "--output", help="output file (default: standard output)")
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "impact",
        help="what fails with each host or failure domain",
        description="For each physical host, failure domain, site and named "
        "scenario (or what --object, --together and --scenario ask for): what "
        "goes down with it, which clusters lose quorum, and what fraction of "
        "each control plane is lost. On a terminal narrower than the table, one "
        "block per failure instead.",
        epilog=MODEL_EXITS,
    )
    add_path_arg(p)
    p.add_argument(
        "--object",
        action="append",
        default=[],
        metavar="ID",
        help="analyse this object failing alone (repeatable: one row each)",
    )
    p.add_argument(
        "--together",
        action="append",
        nargs="+",
        default=[],
        metavar="ID",
        help="analyse these objects failing at once (one row; repeatable)",
    )
    p.add_argument(
        "--scenario",
        action="append",
        default=[],
        metavar="ID",
        help="analyse this scenario of the topology (repeatable)",
    )
    _format_arg(p)
    p.add_argument(
        "--width",
        type=int,
        metavar="COLUMNS",
        help="fit the text in this many columns (default: the terminal's width; "
        "unlimited when not writing to a terminal)",
    )
    p.set_defaults(func=cmd_impact)

    p = sub.add_parser(
        "schema",
        help="print the topology's JSON Schema",
        description="Print the JSON Schema of one topology file, for editors and other tools.",
        epilog=exit_codes("0  printed", "2  usage error"),
    )
    p.set_defaults(func=cmd_schema)

    render.add_parser(sub)
    drift.add_parser(sub)
    return parser


def _unknown(parser: argparse.ArgumentParser, extras: list[str]) -> str:
    """The message for arguments ``parser`` does not take, with a did-you-mean."""
    options = [a for a in extras if a.startswith("-")]
    if not options:
        return f"unexpected argument(s): {' '.join(extras)}"
    known = [o for action in parser._actions for o in action.option_strings]
    return f"unknown option {options[0]}{did_you_mean(options[0].split('=')[0], known)}"


def parse(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """The parsed command line. Arguments a command does not take are reported with that
    command's usage; no command at all prints the list of commands (exit 2)."""
    args, extras = parser.parse_known_args(argv)
    if args.command is None:
        if extras:
            parser.error(_unknown(parser, extras))
        parser.print_help()
        parser.exit(EXIT_ERROR)
    if extras:
        commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        command = commands.choices[args.command]
        command.error(_unknown(command, extras))
    return args


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parse(parser, argv)
    func: Callable[[argparse.Namespace], int] = args.func
    try:
        return func(args)
    except InvalidTopology as exc:
        print(f"topodoc: {exc}", file=sys.stderr)
        return exc.code
    except TopodocError as exc:
        print(
            f"topodoc {args.command}: {paint('error:', 'error', color_wanted(sys.stderr))} "
            f"{redact(str(exc))}",
            file=sys.stderr,
        )
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("topodoc: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as exc:  # a bug: say so plainly, without a traceback
        if os.environ.get("TOPODOC_DEBUG"):
            raise
        print(
            redact(
                f"topodoc {args.command}: internal error: {type(exc).__name__}: {exc} "
                "(set TOPODOC_DEBUG=1 for a traceback, and please report it)"
            ),
            file=sys.stderr,
        )
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
