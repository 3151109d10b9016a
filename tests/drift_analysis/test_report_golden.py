"""Golden files: one fixed scenario holding every state, in every format.

After an intended change to a writer, regenerate the files and review their diff:

    TOPODOC_UPDATE_GOLDEN=1 .venv/bin/python -m pytest tests/drift_analysis/test_report_golden.py
"""

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from topodoc.drift.analyzer import analyze
from topodoc.drift.reports.outputs import render
from topodoc.drift.reports.report import Report

from .drift_scenario import build_scenario

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("TOPODOC_UPDATE_GOLDEN") == "1"


def scenario_report() -> Report:
    s = build_scenario()
    findings = analyze(s.expected, s.sources, s.rules, s.severities)
    return Report.build(
        findings,
        s.sources,
        topology="topology/lab.yaml",
        checked_at="2024-05-01T12:00:00Z",
        tool_version="0.1.0",
    )


@pytest.mark.parametrize(
    ("name", "fmt", "options"),
    [
        ("console.txt", "console", {}),
        ("console-color.txt", "console", {"color": True}),
        ("console-verbose.txt", "console", {"verbose": True}),
        ("report.json", "json", {}),
        ("junit.xml", "junit", {}),
        ("report.md", "markdown", {}),
    ],
)
def test_golden(name, fmt, options):
    text = render(scenario_report(), fmt, **options)
    path = GOLDEN / name
    if UPDATE:
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} is missing: run with TOPODOC_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def test_colour_only_when_asked():
    report = scenario_report()
    assert "\x1b[" not in render(report, "console")
    assert "\x1b[31mmissing" in render(report, "console", color=True)


def test_verbose_shows_ok_findings_and_ignore_rules():
    report = scenario_report()
    quiet, verbose = render(report, "console"), render(report, "console", verbose=True)
    assert "hypervisor:zcloud" not in quiet
    assert "  ok           info     hypervisor:zcloud" in verbose
    assert (
        "vm:z-tmp-1 (unexpected) by vm:z-tmp-* at .topodocignore:2: throwaway test VMs come and go"
    ) in verbose
    assert "2 ignored" in quiet


def test_junit_is_valid_xml_with_one_suite_per_layer():
    root = ET.fromstring(render(scenario_report(), "junit"))
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert list(suites) == ["virtualization", "storage", "openstack", "kubernetes", "etcd"]
    assert (root.get("tests"), root.get("failures"), root.get("errors"), root.get("skipped")) == (
        "11",
        "4",
        "1",
        "1",
    )
    cases = {c.get("name"): c for c in root.iter("testcase")}
    assert cases["vm:z-k8s-m-1"].find("failure").get("type") == "changed"
    assert cases["k8s-node:z-k8s/z-k8s-m-1"].find("error") is not None
    assert cases["vm:z-tmp-1"].find("skipped") is not None
    assert len(cases["hypervisor:zcloud"]) == 0
    for suite in suites.values():
        assert int(suite.get("tests")) == len(suite.findall("testcase"))
