"""The built-in demo lab: drift against ``topology/`` without any lab.

The demo carries its own copy of ``topology/`` (``demo/topology/``), checked when no PATH is
given, so it runs from any directory and from an installed package. libvirt is read for real,
through libvirt's test driver, from one node file per documented hypervisor
(``demo/libvirt/TARGET.xml``, derived from that topology by ``scripts/make_demo.py`` and then
given deliberate drift); OpenStack, Kubernetes and etcd come from a recording
(``demo/recording.json``) made the same way. ``demo/topodocignore`` holds what the test
driver cannot show (autostart), with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from importlib import resources
from pathlib import Path

from topodoc.drift.ignore import Rule
from topodoc.drift.resources import SourceResult, SourceSpec
from topodoc.errors import TopodocError


class DemoError(TopodocError):
    """The demo cannot run for this topology."""


def demo_dir() -> Path:
    return Path(str(resources.files("topodoc").joinpath("demo")))


def topology_dir() -> Path:
    """The demo's copy of the topology its lab was derived from."""
    return demo_dir() / "topology"


def ignore_file() -> Path:
    return demo_dir() / "topodocignore"


def ignore_rules() -> list[Rule]:
    """The demo's ignore rules, their origin named ``demo/topodocignore:LINE`` (not a path of
    this machine: the demo's report is the same wherever it runs)."""
    from topodoc.drift.ignore import parse_ignore_text

    return parse_ignore_text(ignore_file().read_text(encoding="utf-8"), "demo/topodocignore")


def results(
    specs: list[SourceSpec],
    skip_kinds: frozenset[str],
    jobs: int,
    collect: Callable[
        [list[SourceSpec], frozenset[str], int, list[SourceResult]], list[SourceResult]
    ],
) -> list[SourceResult]:
    """libvirt read live from the test driver; the other sources from the recording (passed
    to ``collect`` too, to be listed with the others)."""
    from topodoc.drift.snapshot import read_snapshot

    libvirt_specs = []
    for spec in specs:
        if spec.kind != "libvirt":
            continue
        node = demo_dir() / "libvirt" / f"{spec.target}.xml"
        if not node.is_file():
            raise DemoError(
                f"the demo has no node file for hypervisor {spec.target!r}: "
                "'--demo' checks the demo's own topology (leave PATH out)"
            )
        libvirt_specs.append(replace(spec, uri=f"test://{node}"))
    wanted = {s.id for s in specs if s.kind != "libvirt"}
    recorded = [r for r in read_snapshot(demo_dir() / "recording.json") if r.id in wanted]
    return sorted(collect(libvirt_specs, skip_kinds, jobs, recorded) + recorded, key=lambda r: r.id)


def require_libvirt() -> None:
    """The demo reads libvirt's test driver: say once what is missing, and how to get it."""
    try:
        import libvirt  # noqa: F401 - only whether it imports
    except ImportError:
        raise DemoError(
            "the demo reads its lab through libvirt's test driver, and "
            "libvirt-python is not installed: pip install 'topodoc[live]' (it "
            "builds against the system libvirt; on Debian first: apt-get install "
            "libvirt-dev pkg-config gcc)"
        ) from None


def explanation() -> str:
    """What the demo lab was given on purpose, for the reader of its report."""
    drift = json.loads((demo_dir() / "DRIFT.json").read_text("utf-8"))
    lines = [
        "This was the built-in demo lab (libvirt's test driver plus a recording), given "
        "deliberate drift:"
    ]
    lines += [f"  - {item}" for item in drift]
    lines.append(
        "Check your own lab with 'topodoc drift' (sources from the topology's live "
        "part), or a recording with 'topodoc drift --snapshot FILE'."
    )
    return "\n".join(lines) + "\n"
