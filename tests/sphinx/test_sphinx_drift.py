"""The last drift check on the site: ``topodoc-drift`` and the cards' *Last drift check*."""

from __future__ import annotations

import os
import re
from pathlib import Path

from sphinx_builds import Project, anchor_exists, make_project, resolve_link

from topodoc.drift.analyzer import Analysis
from topodoc.drift.finding import Finding
from topodoc.drift.reports.report import FORMAT_VERSION, Report, render_json
from topodoc.drift.resources import SourceResult

GiB = 2**30
LIBVIRT = "libvirt:h1"
DRIFT_RST = """\
Drift
=====

.. topodoc-drift::
"""


def finding(
    key: str,
    state: str,
    attribute: str | None = None,
    expected: object = None,
    actual: object = None,
    hint: str = "",
) -> Finding:
    return Finding(
        key,
        key.partition(":")[0],
        state,
        attribute,
        expected,
        actual,
        LIBVIRT,
        "error" if state != "ok" else "info",
        hint,
    )


def write_report(path: Path, *findings: Finding, checked_at: str = "2026-11-26T08:00:00Z") -> Path:
    source = SourceResult(
        LIBVIRT, "libvirt", "test:///h1.xml", resources=[], duration_s=0.25, api_calls=7
    )
    report = Report.build(Analysis(findings), [source], topology="topology", checked_at=checked_at)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_json(report), encoding="utf-8")
    return path


DRIFTED = (
    finding("hypervisor:h1", "ok"),
    finding("vm:vm1", "changed", "memory", 4 * GiB, 8 * GiB, "expected 4GiB, found 8GiB"),
    finding("vm:vm3", "ok"),
    finding("vm:vm4", "missing", hint="not defined on libvirt:h1"),
    finding("vm:stray", "unexpected", hint="seen by libvirt:h1 only"),
)


def drift_project(root: Path, conf: str = 'topodoc_drift_report = "drift.json"\n') -> Project:
    project = make_project(root, conf=conf)
    project.write("drift.rst", DRIFT_RST)
    project.write(
        "index.rst",
        project.root.joinpath("index.rst")
        .read_text(encoding="utf-8")
        .replace("   plain\n", "   plain\n   drift\n"),
    )
    return project


def rows(build, page: str) -> list[list[str]]:
    table = build.html(page).select_one("table.topodoc-drift-findings")
    return (
        [
            [td.get_text(" ", strip=True) for td in tr.select("td")]
            for tr in table.select("tbody tr")
        ]
        if table
        else []
    )


def card_drift(build, page: str) -> str:
    text = build.html(page).get_text(" ", strip=True)
    return text[text.index("Last drift check") :] if "Last drift check" in text else ""


def test_report_summary_findings_and_sources(tmp_path: Path) -> None:
    project = drift_project(tmp_path / "proj")
    write_report(project.root / "drift.json", *DRIFTED)
    build = project.build("-W")
    assert build.returncode == 0, build.stderr
    assert rows(build, "drift.html") == [
        [
            "vm1",
            "vm:vm1",
            "changed",
            "memory",
            "4GiB",
            "8GiB",
            "error",
            "expected 4GiB, found 8GiB",
        ],
        ["vm4", "vm:vm4", "missing", "", "", "", "error", "not defined on libvirt:h1"],
        ["", "vm:stray", "unexpected", "", "", "", "error", "seen by libvirt:h1 only"],
    ]
    page = build.html("drift.html")
    text = page.get_text(" ", strip=True)
    assert "Drift found : checked 2026-11-26T08:00:00Z against topology" in text
    assert "3 of 4 documented resources verified (75%)" in text
    kinds = [
        [td.get_text(strip=True) for td in tr.select("td")]
        for tr in page.select("table")[0].select("tbody tr")
    ]
    assert kinds == [
        ["hypervisor", "1", "0", "0", "0", "0"],
        ["vm", "1", "1", "1", "1", "0"],
        ["all", "2", "1", "1", "1", "0"],
    ]
    assert "libvirt:h1 libvirt ok 0 7 0.25" in text
    link = page.select_one("table.topodoc-drift-findings td a")
    assert anchor_exists(*resolve_link(build.outdir / "drift.html", link["href"]))
    assert link["href"].endswith("reference/vm/vm1.html#topo-vm1")


def test_cards_show_their_objects_last_state(tmp_path: Path) -> None:
    project = drift_project(tmp_path / "proj")
    write_report(project.root / "drift.json", *DRIFTED)
    build = project.build("-W")
    assert build.returncode == 0, build.stderr
    assert "vm:vm1 changed memory 4GiB 8GiB" in card_drift(build, "reference/vm/vm1.html")
    assert "As of 2026-11-26T08:00:00Z" in card_drift(build, "reference/vm/vm1.html")
    assert "vm:vm3 ok" in card_drift(build, "reference/vm/vm3.html")
    assert "hypervisor:h1 ok" in card_drift(build, "reference/host/h1.html")
    assert card_drift(build, "reference/vm/vm2.html") == ""  # nothing of vm2 in the report
    assert card_drift(build, "reference/network/net.html") == ""


def test_states_option_and_its_bad_value(tmp_path: Path) -> None:
    project = drift_project(tmp_path / "proj")
    write_report(project.root / "drift.json", *DRIFTED)
    project.write(
        "drift.rst", DRIFT_RST + "   :states: ok\n\n.. topodoc-drift::\n   :states: changed, gone\n"
    )
    build = project.build()
    assert [r[1] for r in rows(build, "drift.html")] == ["hypervisor:h1", "vm:vm3"]
    bad = [w for w in build.warnings if "[topodoc.directive]" in w]
    assert len(bad) == 1 and "drift.rst:7:" in bad[0] and "unknown 'gone'" in bad[0], bad


def test_without_a_report_the_site_builds_and_says_so(tmp_path: Path) -> None:
    unset = drift_project(tmp_path / "unset", conf="")
    build = unset.build("-W")
    assert build.returncode == 0, build.stderr
    assert "No drift report is available: no drift report is configured" in build.html(
        "drift.html"
    ).get_text(" ", strip=True)
    assert card_drift(build, "reference/vm/vm1.html") == ""

    not_yet = drift_project(tmp_path / "not-yet")
    build = not_yet.build("-W")
    assert build.returncode == 0, build.stderr
    assert re.search(
        r"No drift report is available: no drift report at \S*drift\.json yet",
        build.html("drift.html").get_text(" ", strip=True),
    )


def test_a_broken_report_warns_naming_the_file(tmp_path: Path) -> None:
    project = drift_project(tmp_path / "proj")
    (project.root / "drift.json").write_text(
        '{"format_version": "1.0", "findings": [', encoding="utf-8"
    )
    build = project.build()
    assert build.returncode == 0, build.stderr
    [warning] = [w for w in build.warnings if "[topodoc.drift]" in w]
    assert "drift.json:1:" in warning and "not valid JSON" in warning
    assert "No drift report is available" in build.html("drift.html").get_text()
    write_report(project.root / "other.json", *DRIFTED)
    (project.root / "other.json").write_text(
        (project.root / "other.json").read_text().replace(f'"{FORMAT_VERSION}"', '"2.0"'),
        encoding="utf-8",
    )
    project.write("drift.rst", "Drift\n=====\n\n.. topodoc-drift:: other.json\n")
    build = project.build()
    assert any(
        "other.json: drift report format_version 2.0 is not supported" in w
        and "[topodoc.drift]" in w
        for w in build.warnings
    ), build.warnings


def test_a_directive_shows_its_own_report(tmp_path: Path) -> None:
    project = drift_project(tmp_path / "proj", conf="")
    write_report(
        project.root / "checks" / "nightly.json",
        finding("vm:vm3", "changed", "vcpu", 2, 4, "expected 2, found 4"),
    )
    project.write("drift.rst", "Drift\n=====\n\n.. topodoc-drift:: /checks/nightly.json\n")
    build = project.build("-W")
    assert build.returncode == 0, build.stderr
    assert [r[:6] for r in rows(build, "drift.html")] == [
        ["vm3", "vm:vm3", "changed", "vcpu", "2", "4"]
    ]
    assert card_drift(build, "reference/vm/vm3.html") == ""  # cards show the configured one


def test_a_new_report_rewrites_the_drift_pages_and_draws_nothing(tmp_path: Path) -> None:
    project = drift_project(tmp_path / "proj")
    report = write_report(project.root / "drift.json", *DRIFTED)
    first = project.build("-v")
    assert first.returncode == 0, first.stderr
    plain = (first.outdir / "plain.html").stat().st_mtime_ns

    again = project.build("-v")  # same report: nothing read again
    assert re.search(r"0 added, 0 changed, 0 removed", again.stdout), again.stdout

    stat = report.stat()
    write_report(
        report, finding("vm:vm1", "ok"), finding("vm:vm4", "ok"), checked_at="2026-11-27T08:00:00Z"
    )
    os.utime(report, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # only the content changed
    second = project.build("-v")
    assert second.returncode == 0, second.stderr
    assert "No finding is missing or unexpected or changed or unverifiable." in second.html(
        "drift.html"
    ).get_text(" ", strip=True)
    assert "vm:vm1 ok" in card_drift(second, "reference/vm/vm1.html")
    assert "2026-11-27T08:00:00Z" in card_drift(second, "reference/vm/vm1.html")
    assert "topodoc: drew" not in second.stdout  # diagrams unchanged: none drawn again
    assert (second.outdir / "plain.html").stat().st_mtime_ns == plain
