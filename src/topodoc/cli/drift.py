"""``topodoc drift`` and ``topodoc snapshot``: the drift checker's command line.

Exit codes of ``drift``: 0 in sync, 1 drift, 2 error or incomplete scan (an error wins).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from topodoc.cli.common import DEFAULT_PATH, EXIT_ERROR, UsageError, exit_codes, load
from topodoc.cli.options import seconds
from topodoc.cli.style import color_wanted
from topodoc.drift.finding import Finding
from topodoc.drift.resources import SOURCE_KINDS, SourceResult, SourceSpec
from topodoc.model.objects import Cluster, Model
from topodoc.util.secrets import redact, remember, safe_uri, uri_secrets
from topodoc.util.text import plural

if TYPE_CHECKING:
    from topodoc.cli.main import Parser

IGNORE_FILE = ".topodocignore"
OVERRIDES = (
    ("libvirt", "--libvirt", "URI"),
    ("openstack", "--os-cloud", "CLOUD"),
    ("kubernetes", "--kube-context", "CONTEXT"),
    ("etcd", "--etcd", "URL[,URL]"),
)


def _now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _source_args(parser: argparse.ArgumentParser, *, demo: bool = False) -> None:
    parser.add_argument(
        "path",
        nargs="?",
        default=None,
        help="topology directory or file (default: topology/"
        + ("; with --demo, the demo's own copy of it)" if demo else ")"),
    )
    group = parser.add_argument_group(
        "sources",
        "By default every source in the topology's live part is read. Each flag "
        "overrides one source as [TARGET=]VALUE; TARGET (a hypervisor or cluster id) may be "
        "left out when the topology has one source of that kind.",
    )
    for kind, flag, metavar in OVERRIDES:
        group.add_argument(
            flag,
            action="append",
            default=[],
            metavar=f"[TARGET=]{metavar}",
            dest=f"override_{kind}",
            help=f"the {kind} source to read",
        )
    group.add_argument("--clouds-yaml", metavar="PATH", help="clouds.yaml for every cloud")
    group.add_argument("--kubeconfig", metavar="PATH", help="kubeconfig for every cluster")
    group.add_argument(
        "--only",
        action="append",
        choices=SOURCE_KINDS,
        default=[],
        metavar="KIND",
        help=f"read only sources of this kind (repeatable: {', '.join(SOURCE_KINDS)})",
    )
    group.add_argument(
        "--timeout",
        type=seconds,
        metavar="SECONDS",
        help="per-source timeout, at most 3600 (default: the topology's live.timeout, 30)",
    )
    group.add_argument(
        "--jobs", type=int, default=8, metavar="N", help="sources read at once (default 8)"
    )


#: The model object kind (and cluster type) each source kind observes.
TARGET_KINDS = {
    "libvirt": ("a hypervisor (host or vm)", ("host", "vm")),
    "openstack": ("an openstack cluster", ("cluster",)),
    "kubernetes": ("a kubernetes cluster", ("cluster",)),
    "etcd": ("an etcd cluster", ("cluster",)),
}


def _check_target(model: Model, kind: str, flag: str, target: str) -> None:
    """A new source's TARGET must name what a source of ``kind`` observes."""
    what, kinds = TARGET_KINDS[kind]
    obj = model.get(target)
    if obj is None or obj.kind not in kinds or (isinstance(obj, Cluster) and obj.type != kind):
        known = sorted(
            o.id
            for o in model
            if o.kind in kinds and (not isinstance(o, Cluster) or o.type == kind)
        )
        if obj is None:
            problem = f"no object {target!r} in the topology"
        elif isinstance(obj, Cluster):
            problem = f"{target!r} is a cluster of type {obj.type}"
        else:
            problem = f"{target!r} is a {obj.kind}"
        raise UsageError(
            f"{flag} {target}=...: {problem}; TARGET must be {what}: "
            f"{', '.join(known) or 'the topology has none'}"
        )


def source_specs(model: Model, args: argparse.Namespace) -> list[SourceSpec]:
    """The sources to read: the topology's live part with the command line's overrides."""
    timeout = args.timeout or model.live.timeout_s
    specs = {
        s.id: SourceSpec(s.id, s.kind, s.target, s.uri, dict(s.options), timeout)
        for s in model.live.sources
    }
    for kind, flag, _ in OVERRIDES:
        of_kind = sorted(sid for sid, s in specs.items() if s.kind == kind)
        for value in getattr(args, f"override_{kind}"):
            target, sep, uri = value.partition("=")
            if not sep or "://" in target:
                if len(of_kind) != 1:
                    raise UsageError(
                        f"{flag} {safe_uri(value)}: the topology has "
                        f"{len(of_kind)} {kind} "
                        f"sources; write {flag} TARGET=VALUE (targets: "
                        f"{', '.join(s.split(':', 1)[1] for s in of_kind) or '-'})"
                    )
                sid, uri = of_kind[0], value
            else:
                sid = f"{kind}:{target}"
                if sid not in specs:
                    _check_target(model, kind, flag, target)
                    specs[sid] = SourceSpec(sid, kind, target, uri, {}, timeout)
            specs[sid] = replace(specs[sid], uri=uri)
    for sid, spec in specs.items():
        extra = {}
        if spec.kind == "openstack" and args.clouds_yaml:
            extra["clouds_yaml"] = args.clouds_yaml
        if spec.kind == "kubernetes" and args.kubeconfig:
            extra["kubeconfig"] = args.kubeconfig
        if extra:
            specs[sid] = replace(spec, options={**spec.options, **extra})
    remember(p for spec in specs.values() for p in uri_secrets(spec.uri))
    chosen = [specs[sid] for sid in sorted(specs) if not args.only or specs[sid].kind in args.only]
    if not chosen:  # checking nothing must not read as "in sync"
        if not specs:
            raise UsageError(
                "nothing to check: the topology's live part names no source "
                "(live: libvirt, openstack, kubernetes, etcd)"
            )
        raise UsageError(
            f"--only {' --only '.join(args.only)}: the topology has no such "
            f"source (sources: {', '.join(sorted(specs))})"
        )
    return chosen


def _progress(line: str) -> None:
    print(f"  {redact(line)}", file=sys.stderr, flush=True)


def _collect(
    specs: list[SourceSpec],
    skip_kinds: frozenset[str],
    jobs: int,
    recorded: list[SourceResult] | None = None,
) -> list[SourceResult]:
    """Read ``specs``, telling progress on stderr; ``recorded`` results (the demo's) are
    listed with them, as recorded."""
    from topodoc.drift.collect import collect_all, summary

    recorded = recorded or []
    if not specs and not recorded:
        return []
    print(
        f"topodoc: reading {plural(len(specs) + len(recorded), 'source')} ...",
        file=sys.stderr,
        flush=True,
    )
    for result in recorded:
        _progress(f"{summary(result)} (recorded)")
    if not specs:
        return []
    return collect_all(specs, skip_kinds=skip_kinds, max_workers=jobs, progress=_progress)


def cmd_drift(args: argparse.Namespace) -> int:
    from topodoc.drift import demo
    from topodoc.drift.analyzer import analyze
    from topodoc.drift.expected import expected_drift_entries, expected_resources
    from topodoc.drift.ignore import IgnoreError, IgnoreRules, write_ignore_file
    from topodoc.drift.reports.outputs import check_outputs, writable_problem, write_outputs
    from topodoc.drift.reports.report import Report, ReportError, exit_code
    from topodoc.drift.severity import Severities, SeverityError
    from topodoc.drift.snapshot import SnapshotError, read_snapshot

    path = args.path or (str(demo.topology_dir()) if args.demo else DEFAULT_PATH)
    label = args.path or ("topodoc demo" if args.demo else DEFAULT_PATH)
    loaded = load(path)
    if not loaded.ok:
        for problem in loaded.errors:
            print(problem, file=sys.stderr)
        print(
            "topodoc drift: the topology has errors; fix them first (topodoc validate)",
            file=sys.stderr,
        )
        return EXIT_ERROR
    model = loaded.model
    try:
        check_outputs(args.output)  # before the scan: a mistake there costs no scan
        if args.write_ignore and (reason := writable_problem(args.write_ignore)):
            raise ReportError(
                f"--write-ignore {args.write_ignore}: cannot write ignore file: {reason}"
            )
        specs = source_specs(model, args)
        wanted = {s.id for s in specs}
        expected = expected_resources(model, specs)
        entries = expected_drift_entries(model, expected)
        ignore_file = args.ignore_file or (
            None if args.demo else IGNORE_FILE if Path(IGNORE_FILE).is_file() else None
        )
        rules = IgnoreRules.load(ignore_file, args.ignore, entries)
        if args.demo:  # what the test driver cannot show; an --ignore-file adds to it
            rules = IgnoreRules(
                [*rules.rules[: len(entries)], *demo.ignore_rules(), *rules.rules[len(entries) :]]
            )
        severities = Severities([*model.live.severity, *args.severity])
        if args.demo:
            demo.require_libvirt()
            results = demo.results(specs, rules.ignored_kinds(), args.jobs, _collect)
        elif args.snapshot:
            results = [r for r in read_snapshot(args.snapshot) if r.id in wanted]
        else:
            results = _collect(specs, rules.ignored_kinds(), args.jobs)
        analysis = analyze(expected.resources, results, rules, severities)
        report = Report.build(analysis, results, topology=label, checked_at=_now())
        color = color_wanted(sys.stdout, args.color)
        write_outputs(report, args.output or ["console=-"], color=color, verbose=args.verbose)
        if args.demo:
            print(demo.explanation(), file=sys.stderr)
        if args.write_ignore:
            _write_baseline(args.write_ignore, report.findings, ignore_file, write_ignore_file)
    except (IgnoreError, SeverityError, SnapshotError, ReportError, demo.DemoError) as exc:
        raise UsageError(str(exc)) from None
    except OSError as exc:
        raise UsageError(f"{exc.filename or ''}: {exc.strerror or exc}") from None
    return exit_code(report)


def _write_baseline(
    path: str,
    findings: Sequence[Finding],
    in_use: str | None,
    write_ignore_file: Callable[[str, Sequence[Finding]], int],
) -> None:
    """Write the ``--write-ignore`` baseline. Onto the ignore file in use it is appended:
    rewriting that file would drop the patterns that hid the rest of today's drift."""
    if in_use is None or not os.path.exists(path) or not os.path.samefile(path, in_use):
        count = write_ignore_file(path, findings)
        print(f"wrote {plural(count, 'pattern')} to {path}", file=sys.stderr)
        return
    import tempfile

    from topodoc.util.atomic import write_text

    with tempfile.TemporaryDirectory() as tmp:
        count = write_ignore_file(os.path.join(tmp, "baseline"), findings)
        added = Path(tmp, "baseline").read_text(encoding="utf-8")
    if count:
        before = Path(path).read_text(encoding="utf-8")
        write_text(path, before.rstrip("\n") + "\n\n" + added)
    print(f"added {plural(count, 'pattern')} to {path}", file=sys.stderr)


def cmd_snapshot(args: argparse.Namespace) -> int:
    from topodoc.drift.snapshot import write_snapshot

    loaded = load(args.path or DEFAULT_PATH)
    if not loaded.ok:
        for problem in loaded.errors:
            print(problem, file=sys.stderr)
        return EXIT_ERROR
    results = _collect(source_specs(loaded.model, args), frozenset(), args.jobs)
    try:
        write_snapshot(args.output, results, taken_at=_now())
    except OSError as exc:
        raise UsageError(f"{args.output}: cannot write: {exc.strerror or exc}") from None
    failed = [r for r in results if r.status != "ok"]
    for result in failed:
        print(
            redact(f"topodoc snapshot: {result.id}: {result.status}: {result.error}"),
            file=sys.stderr,
        )
    print(
        f"wrote {args.output}: {plural(len(results), 'source')}, "
        f"{plural(sum(len(r.resources) for r in results), 'resource')}",
        file=sys.stderr,
    )
    return EXIT_ERROR if failed else 0


def add_parser(sub: argparse._SubParsersAction[Parser]) -> None:
    p = sub.add_parser(
        "drift",
        help="compare the running lab with the topology",
        description="Read the running lab (libvirt, OpenStack, Kubernetes, etcd; read-only) and "
        "report where it differs from the topology: missing, unexpected, changed, and "
        "unverifiable when a source cannot be read.",
        epilog=exit_codes(
            "0  in sync",
            "1  the lab drifted from the topology",
            "2  usage or I/O error, the topology has errors, or the scan is "
            "incomplete (a source could not be read; an error wins over drift)",
        ),
    )
    _source_args(p, demo=True)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--snapshot",
        metavar="FILE",
        help="check against a recording made by 'topodoc snapshot' (offline)",
    )
    mode.add_argument(
        "--demo",
        action="store_true",
        help="check the built-in demo lab: libvirt's test driver plus a "
        "recording, with deliberate drift; no lab needed",
    )
    p.add_argument(
        "-o",
        "--output",
        action="append",
        default=[],
        metavar="FORMAT=FILE",
        help="write the report as console, json, junit or markdown; FILE '-' is "
        "standard output; repeatable (default: console=-)",
    )
    p.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="PATTERN",
        help="ignore findings matching KIND:KEY[.ATTRIBUTE] (wildcards, repeatable)",
    )
    p.add_argument(
        "--ignore-file",
        metavar="FILE",
        help=f"ignore patterns file (default: {IGNORE_FILE} if present)",
    )
    p.add_argument(
        "--severity",
        action="append",
        default=[],
        metavar="KIND:STATE=LEVEL",
        help="override a severity, e.g. vm:unexpected=error (repeatable)",
    )
    p.add_argument(
        "--write-ignore",
        metavar="FILE",
        help="also write an ignore file accepting today's drift as a baseline",
    )
    p.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the console report: auto (default) colours a terminal, "
        "following NO_COLOR, FORCE_COLOR and TERM=dumb",
    )
    p.add_argument("-v", "--verbose", action="store_true", help="list resources in sync too")
    p.set_defaults(func=cmd_drift)

    p = sub.add_parser(
        "snapshot",
        help="record what the live sources show, for offline checks",
        description="Read every live source and record what it showed as versioned JSON, for "
        "'topodoc drift --snapshot FILE'. Secrets are never recorded.",
        epilog=exit_codes(
            "0  written, every source read",
            "2  usage or I/O error, the topology has errors, or a source could "
            "not be read (what was read is written)",
        ),
    )
    _source_args(p)
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="the JSON file to write")
    p.set_defaults(func=cmd_snapshot)
