"""Ignore rules: patterns, negation, attributes, files, model entries, baselines."""

from __future__ import annotations

import os
from datetime import date

import pytest

from topodoc.drift.finding import Finding
from topodoc.drift.ignore import (
    IgnoreError,
    IgnoreRules,
    Rule,
    expected_drift_pattern,
    parse_rule,
    write_ignore_file,
)


def rules(*patterns: str) -> IgnoreRules:
    return IgnoreRules.load(patterns=patterns)


def test_exact_key_ignores_the_key_and_its_attributes():
    r = rules("vm:z-k8s-m-1")
    assert r.ignores("vm:z-k8s-m-1").pattern == "vm:z-k8s-m-1"
    assert r.ignores("vm:z-k8s-m-1", "memory") is not None
    assert r.ignores("vm:z-k8s-m-10") is None
    assert r.ignores("vm:z-k8s-m") is None


def test_attribute_pattern_ignores_only_that_attribute():
    r = rules("vm:z-k8s-m-1.memory")
    assert r.ignores("vm:z-k8s-m-1", "memory") is not None
    assert r.ignores("vm:z-k8s-m-1", "vcpu") is None
    assert r.ignores("vm:z-k8s-m-1") is None  # a missing VM is still reported


def test_wildcards():
    r = rules("vm:test-?", "k8s-node:z-k8s/*", "storage-pool:[ab]*")
    assert r.ignores("vm:test-1") and not r.ignores("vm:test-10")
    assert r.ignores("k8s-node:z-k8s/z-k8s-n-1")
    assert not r.ignores("k8s-node:other/z-k8s-n-1")
    assert r.ignores("storage-pool:images") is None
    assert r.ignores("storage-pool:backups") is not None


def test_dotted_names_match_whole_key_and_key_attribute():
    r = rules("hypervisor:node1.lab.example", "vm:*.example.memory")
    assert r.ignores("hypervisor:node1.lab.example")
    assert not r.ignores("hypervisor:node1.lab")
    assert r.ignores("vm:web.example", "memory")
    assert not r.ignores("vm:web.example", "vcpu")


def test_negation_later_line_wins():
    r = rules("vm:*", "!vm:z-k8s-m-1", "vm:z-k8s-m-1.autostart")
    assert r.ignores("vm:other") is not None
    assert r.ignores("vm:z-k8s-m-1") is None
    assert r.ignores("vm:z-k8s-m-1", "memory") is None
    assert r.ignores("vm:z-k8s-m-1", "autostart").pattern == "vm:z-k8s-m-1.autostart"
    # order matters: a negation before the pattern re-includes nothing
    assert rules("!vm:a", "vm:*").ignores("vm:a") is not None


def test_negated_attribute_re_includes_only_that_attribute():
    r = rules("vm:a", "!vm:a.memory")
    assert r.ignores("vm:a", "memory") is None
    assert r.ignores("vm:a", "vcpu") is not None


def test_ignored_kinds_only_whole_kinds_not_re_included():
    r = rules("storage-pool:*", "vm:*", "!vm:keep", "k8s-node:z-k8s/*", "*-network:*")
    assert r.ignored_kinds() == {"storage-pool", "libvirt-network", "os-network"}
    assert rules("vm:*", "!vm:a.memory").ignored_kinds() == frozenset()
    assert rules("vm:*", "!*:x", "vm:**").ignored_kinds() == {"vm"}
    assert rules().ignored_kinds() == frozenset()


def test_file_with_comments_reasons_and_locations(tmp_path):
    path = tmp_path / ".topodocignore"
    path.write_text(
        "# header, not a reason\n\n"
        "# test VMs are created by CI\n# and deleted after\nvm:test-*\n"
        "\n  storage-pool:scratch  \n!vm:test-keep\n",
        encoding="utf-8",
    )
    r = IgnoreRules.load(path)
    assert [(x.text, x.origin, x.reason) for x in r.rules] == [
        ("vm:test-*", f"{path}:5", "test VMs are created by CI and deleted after"),
        ("storage-pool:scratch", f"{path}:7", None),
        ("!vm:test-keep", f"{path}:8", None),
    ]
    assert r.ignores("vm:test-keep") is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("vm:a\n\nz-k8s-m-1\n", ":3: 'z-k8s-m-1': expected KIND:NAME[.ATTRIBUTE]"),
        ("vms:a\n", ":1: 'vms:a': 'vms' matches no kind"),
        ("vm:a # why\n", ":1: 'vm:a # why': patterns contain no whitespace"),
        ("!\n", ":1: '!': empty pattern"),
    ],
)
def test_file_errors_name_file_and_line(tmp_path, text, message):
    path = tmp_path / ".topodocignore"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(IgnoreError) as err:
        IgnoreRules.load(path)
    assert str(err.value).startswith(f"{path}{message}")


def test_unreadable_file(tmp_path):
    with pytest.raises(IgnoreError, match="cannot read ignore file"):
        IgnoreRules.load(tmp_path / "nope")


def test_precedence_model_then_file_then_command_line(tmp_path):
    path = tmp_path / "ignore"
    path.write_text("!vm:a.memory\n", encoding="utf-8")
    model = [("vm:a.memory", "ballooned on purpose", "topology/lab.yaml:10:5")]
    assert IgnoreRules.load(expected_drift=model).ignores("vm:a", "memory").reason == (
        "ballooned on purpose"
    )
    assert IgnoreRules.load(path, expected_drift=model).ignores("vm:a", "memory") is None
    r = IgnoreRules.load(path, ["vm:a"], model)
    assert r.ignores("vm:a", "memory").origin == "--ignore"


def test_expected_drift_patterns_are_relative_to_their_object():
    assert expected_drift_pattern("vm:z-k8s-m-1", "*") == "vm:z-k8s-m-1"
    assert expected_drift_pattern("vm:z-k8s-m-1", "memory") == "vm:z-k8s-m-1.memory"
    assert expected_drift_pattern("vm:odd[1]", "vcpu*") == "vm:odd[[]1].vcpu*"
    assert expected_drift_pattern("vm:a", "vm:b.memory") == "vm:b.memory"
    r = IgnoreRules.load(
        expected_drift=[
            (expected_drift_pattern("vm:odd[1]", "vcpu*"), "pinned by hand", "lab.yaml:3:5")
        ]
    )
    assert r.ignores("vm:odd[1]", "vcpu_max") and not r.ignores("vm:odd1", "vcpu")


def test_rule_json_round_trip():
    rule = parse_rule("!vm:a.*", "x:1", "why")
    assert Rule.from_json(rule.to_json()) == rule


def finding(key, state, attribute=None, hint="h"):
    return Finding(key, key.split(":")[0], state, attribute, None, None, "libvirt:z", "error", hint)


def test_write_ignore_file_baselines_current_drift(tmp_path):
    path = tmp_path / ".topodocignore"
    path.write_text("old\n", encoding="utf-8")
    findings = [
        finding("vm:a", "changed", "memory", "expected 16GiB,\nfound 8GiB"),
        finding("vm:a", "changed", "memory"),
        finding("vm:b", "missing"),
        finding("vm:odd[1]*", "unexpected"),
        finding("vm:c", "ok"),
        finding("k8s-node:k/n", "unverifiable"),
    ]
    count = write_ignore_file(path, findings, today=date(2024, 5, 1), made_by="topodoc drift -B")
    assert count == 3
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# topodoc drift baseline of 2024-05-01, written by `topodoc drift -B`.")
    assert "# changed: expected 16GiB, found 8GiB\nvm:a.memory\n" in text
    assert "vm:c" not in text and "k8s-node" not in text
    assert [p for p in os.listdir(tmp_path)] == [".topodocignore"]  # no temp file left
    r = IgnoreRules.load(path)
    assert [x.text for x in r.rules] == ["vm:a.memory", "vm:b", "vm:odd[[]1][*]"]
    assert r.ignores("vm:odd[1]*") and not r.ignores("vm:odd1x")
    assert r.ignores("vm:a", "memory").reason == "changed: expected 16GiB, found 8GiB"


def test_write_ignore_file_error(tmp_path):
    with pytest.raises(IgnoreError, match="cannot write ignore file"):
        write_ignore_file(tmp_path / "no" / "dir", [])
