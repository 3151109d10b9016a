"""Report model: summary, exit codes, reading saved reports, secrets, writing outputs."""

from __future__ import annotations

import io
import json
import os
import xml.etree.ElementTree as ET

import pytest

from topodoc.drift.analyzer import Analysis, analyze
from topodoc.drift.finding import Finding
from topodoc.drift.ignore import IgnoreRules
from topodoc.drift.reports.outputs import FORMATS, render, write_outputs
from topodoc.drift.reports.report import Report, ReportError, exit_code, read_report, render_json
from topodoc.drift.resources import ATTRIBUTES, Resource, SourceResult
from topodoc.drift.severity import Severities
from topodoc.util.secrets import is_secret_name

from .drift_scenario import LIBVIRT, build_scenario

STAMP = "2024-05-01T12:00:00Z"


def report_of(expected, *sources, ignore=()):
    findings = analyze(expected, list(sources), IgnoreRules.load(patterns=ignore), Severities())
    return Report.build(
        findings, sources, topology="lab.yaml", checked_at=STAMP, tool_version="9.9"
    )


def scenario_report() -> Report:
    s = build_scenario()
    return Report.build(
        analyze(s.expected, s.sources, s.rules, s.severities),
        s.sources,
        topology="topology/lab.yaml",
        checked_at=STAMP,
    )


def vm(name, **attrs):
    return Resource(f"vm:{name}", "vm", attrs, LIBVIRT)


def libvirt(*resources, status="ok", error=None):
    return SourceResult(
        LIBVIRT, "libvirt", "test:///default", status, error, resources=list(resources)
    )


def test_exit_codes():
    assert exit_code(report_of([vm("a")], libvirt(vm("a")))) == 0
    assert exit_code(report_of([vm("a")], libvirt())) == 1  # missing
    assert exit_code(report_of([], libvirt(vm("x")))) == 1  # unexpected
    assert exit_code(report_of([vm("a", vcpu=2)], libvirt(vm("a", vcpu=4)))) == 1  # changed
    assert (
        exit_code(report_of([vm("a", vcpu=2)], libvirt(vm("a", vcpu=4)), ignore=["vm:a.vcpu"])) == 0
    )
    assert exit_code(report_of([vm("a")], libvirt(status="timeout", error="30 s"))) == 2
    # a failed source is an error even when nothing documented depends on it
    assert exit_code(report_of([], libvirt(status="forbidden", error="403"))) == 2
    # an error wins over drift
    down = SourceResult("libvirt:other", "libvirt", "qemu:///x", "unreachable", "no route")
    drift_and_down = report_of([vm("a"), vm("b")], libvirt(vm("a")), down)
    assert exit_code(drift_and_down) == 2 and drift_and_down.status == "incomplete"
    unverified = report_of([vm("a"), Resource("vm:c", "vm", {}, "libvirt:other")], libvirt(), down)
    assert [f.state for f in unverified.findings] == ["missing", "unverifiable"]
    assert exit_code(unverified) == 2
    # a skipped source makes a check incomplete only through what it left unverified
    skipped = SourceResult("etcd:z", "etcd", "http://e", "skipped", "etcd-member ignored")
    assert exit_code(report_of([vm("a")], libvirt(vm("a")), skipped)) == 0
    assert (
        exit_code(report_of([Resource("etcd-member:z/1", "etcd-member", {}, "etcd:z")], skipped))
        == 2
    )


def test_summary_counts_and_coverage():
    summary = scenario_report().to_json()["summary"]
    assert summary["status"] == "incomplete" and summary["exit_code"] == 2
    assert summary["states"] == {
        "ok": 5,
        "missing": 2,
        "unexpected": 1,
        "changed": 2,
        "unverifiable": 1,
    }
    assert summary["kinds"]["vm"] == {
        "ok": 1,
        "missing": 1,
        "unexpected": 1,
        "changed": 2,
        "unverifiable": 0,
    }
    assert list(summary["kinds"]) == [
        "hypervisor",
        "vm",
        "storage-pool",
        "os-hypervisor",
        "k8s-node",
        "etcd-member",
    ]
    assert summary["ignored"] == 2
    assert summary["max_severity"] == "critical"
    # documented: 9 keys; seen: hypervisor, m-1 (changed), m-2 (ok once its drift is
    # ignored), pool, os-hypervisor, etcd-1
    assert summary["coverage"] == {"verified": 6, "documented": 9, "ratio": 0.6667}
    assert report_of([], libvirt()).to_json()["summary"]["coverage"]["ratio"] is None


def test_json_contract():
    data = json.loads(render_json(scenario_report()))
    assert data["format_version"] == "1.2"
    assert list(data) == [
        "format_version",
        "tool_version",
        "checked_at",
        "topology",
        "summary",
        "findings",
        "ignored",
        "sources",
    ]
    assert set(data["findings"][0]) == {
        "key",
        "kind",
        "state",
        "attribute",
        "expected",
        "actual",
        "source",
        "severity",
        "hint",
    }
    assert data["ignored"][1]["rule"] == {
        "pattern": "vm:z-tmp-*",
        "origin": ".topodocignore:2",
        "reason": "throwaway test VMs come and go",
    }
    assert data["sources"][1] == {
        "id": "kubernetes:z-k8s",
        "kind": "kubernetes",
        "uri": "https://192.168.6.101:6443",
        "status": "unreachable",
        "error": "connection refused | port 6443",
        "duration_s": 3.0,
        "api_calls": 1,
        "resources": 0,
    }


def test_same_input_same_bytes():
    assert render_json(scenario_report()) == render_json(scenario_report())


def test_read_report_round_trip(tmp_path):
    report = scenario_report()
    path = tmp_path / "drift.json"
    path.write_text(render_json(report), encoding="utf-8")
    loaded = read_report(path)
    assert loaded.to_json() == report.to_json()
    for fmt in FORMATS:
        assert render(loaded, fmt) == render(report, fmt)


def test_read_report_accepts_additive_minor_versions(tmp_path):
    data = scenario_report().to_json()
    data["format_version"] = "1.7"
    data["added_later"] = {"anything": True}
    path = tmp_path / "drift.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert read_report(path).findings == scenario_report().findings


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (None, "no such drift report"),
        (b'{\n  "format_version": ,\n}', ":2:21: not valid JSON: Expecting value"),
        (b"\xff\xfe", "not UTF-8 text"),
        (b"[1, 2]", "a drift report is a JSON object, not a list"),
        (b'{"findings": []}', "not a topodoc drift report (no format_version)"),
        (b'{"format_version": "2.0"}', "format_version 2.0 is not supported"),
        (b'{"format_version": "1.0", "topology": "x"}', "malformed drift report: KeyError"),
        (
            b'{"format_version": "1.0", "findings": [1], "ignored": [], "sources": [],'
            b' "topology": "t", "checked_at": "c", "tool_version": "v"}',
            "malformed drift report",
        ),
    ],
)
def test_read_report_errors(tmp_path, content, message):
    path = tmp_path / "drift.json"
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(ReportError) as err:
        read_report(path)
    assert str(err.value).startswith(str(path))
    assert message in str(err.value)


def test_secrets_are_masked_in_every_format(tmp_path):
    secret_findings = [
        Finding(
            "vm:a",
            "vm",
            "changed",
            "root_password",
            "hunter2",
            "hunter3",
            LIBVIRT,
            "warning",
            "differs (value masked)",
        ),
        Finding(
            "vm:a",
            "vm",
            "changed",
            "metadata",
            {"api_key": "sk-live-1", "owner": "ops"},
            {"api_key": "sk-live-2", "owner": "ops"},
            LIBVIRT,
            "warning",
            "differs",
        ),
        Finding(
            "vm:a",
            "vm",
            "unverifiable",
            "auth_token",
            "tok-123",
            None,
            LIBVIRT,
            "error",
            "no source reported auth_token",
        ),
    ]
    report = Report.build(
        Analysis(tuple(secret_findings)), [libvirt()], topology="t", checked_at=STAMP
    )
    outputs = [render(report, fmt, verbose=True) for fmt in FORMATS]
    for text in outputs:
        for secret in ("hunter2", "hunter3", "sk-live-1", "sk-live-2", "tok-123"):
            assert secret not in text
    data = json.loads(outputs[FORMATS.index("json")])
    assert [(f["expected"], f["actual"]) for f in data["findings"]] == [
        ("***", "***"),
        ({"api_key": "***", "owner": "ops"}, {"api_key": "***", "owner": "ops"}),
        ("***", None),
    ]
    assert "| \\*\\*\\* | \\*\\*\\* |" in outputs[FORMATS.index("markdown")]


def test_analyzer_hint_never_shows_a_secret_value():
    found = analyze(
        [vm("a", admin_password="old")],
        [libvirt(vm("a", admin_password="new"))],
        IgnoreRules(),
        Severities(),
    )
    assert [(f.state, f.hint) for f in found.findings] == [("changed", "differs (value masked)")]


def test_writers_escape_markup_and_control_characters():
    nasty = 'a|b <c> & "d" *e* \x1b[31m\x00'
    finding = Finding("vm:x|y", "vm", "missing", None, None, None, LIBVIRT, "error", nasty)
    report = Report.build(
        Analysis((finding,)),
        [libvirt(status="error", error=nasty)],
        topology="t<&>",
        checked_at=STAMP,
    )
    root = ET.fromstring(render(report, "junit"))
    failure = root.find("testsuite/testcase/failure")
    assert failure.get("message").startswith('missing: a|b <c> & "d" *e* ')
    assert root.find("testsuite/testcase").get("name") == "vm:x|y"
    markdown = render(report, "markdown")
    assert "| vm:x\\|y |" in markdown
    assert 'a\\|b \\<c\\> & "d" \\*e\\*' in markdown
    for line in markdown.splitlines():
        if line.startswith("| error | missing"):
            assert line.count(" | ") == 6  # seven cells: no stray cell separator
    for text in (markdown, render(report, "console", verbose=True)):
        assert "\x1b" not in text and "\x00" not in text


def test_write_outputs_writes_every_format(tmp_path):
    report = scenario_report()
    (tmp_path / "drift.json").write_text("old", encoding="utf-8")
    out = io.StringIO()
    write_outputs(
        report,
        [
            f"json={tmp_path / 'drift.json'}",
            f"junit={tmp_path / 'drift.xml'}",
            f"markdown={tmp_path / 'drift.md'}",
            f"console={tmp_path / 'drift.txt'}",
            "console=-",
        ],
        color=True,
        stdout=out,
    )
    assert json.loads((tmp_path / "drift.json").read_text(encoding="utf-8"))["summary"]
    ET.parse(tmp_path / "drift.xml")
    assert (tmp_path / "drift.md").read_text(encoding="utf-8") == render(report, "markdown")
    assert "\x1b[" not in (tmp_path / "drift.txt").read_text(encoding="utf-8")
    assert out.getvalue() == render(report, "console", color=True)
    assert sorted(os.listdir(tmp_path)) == ["drift.json", "drift.md", "drift.txt", "drift.xml"]


@pytest.mark.parametrize(
    ("specs", "message"),
    [
        (
            ["yaml=drift.yaml"],
            "output 'yaml=drift.yaml': unknown format 'yaml' "
            "(known: console, json, junit, markdown)",
        ),
        (["drift.json"], "output 'drift.json': expected FORMAT=PATH"),
        (["json="], "output 'json=': expected FORMAT=PATH"),
        (["=x"], "output '=x': expected FORMAT=PATH"),
        (["console=-", "json=-"], "output '-' is named more than once"),
    ],
)
def test_write_outputs_rejects_bad_specs_before_writing(tmp_path, specs, message):
    first = tmp_path / "first.json"
    with pytest.raises(ReportError) as err:
        write_outputs(scenario_report(), [f"json={first}", *specs], stdout=io.StringIO())
    assert str(err.value).startswith(message)
    assert not first.exists()


def test_write_outputs_reports_unwritable_paths(tmp_path):
    target = tmp_path / "no" / "drift.json"
    with pytest.raises(ReportError, match=f"output 'json={target}': cannot write {target}: "):
        write_outputs(scenario_report(), [f"json={target}"])


def test_no_compared_attribute_is_taken_for_a_secret():
    assert [n for names in ATTRIBUTES.values() for n in names if is_secret_name(n)] == []
    assert all(
        is_secret_name(n)
        for n in (
            "password",
            "os_passwd",
            "api_key",
            "apikey",
            "ssh-keys",
            "private_key_pem",
            "bearer_token",
            "client_secret",
        )
    )
