"""Severities: defaults per kind and state, overrides and their errors."""

from __future__ import annotations

import pytest

from topodoc.drift.severity import LEVELS, Severities, SeverityError, level_rank


@pytest.mark.parametrize(
    ("kind", "state", "attribute", "attrs", "level"),
    [
        ("hypervisor", "missing", None, {}, "critical"),
        ("etcd-member", "missing", None, {}, "critical"),
        ("os-hypervisor", "missing", None, {}, "critical"),
        ("k8s-node", "missing", None, {"roles": ["control-plane"]}, "critical"),
        ("k8s-node", "missing", None, {"roles": ["worker"]}, "error"),
        ("k8s-node", "missing", None, {}, "error"),
        ("vm", "missing", None, {}, "error"),
        ("storage-pool", "missing", None, {}, "error"),
        ("vm", "changed", "state", {}, "error"),
        ("vm", "changed", "hypervisor", {}, "error"),
        ("vm", "changed", "memory", {}, "warning"),
        ("os-hypervisor", "changed", "state", {}, "warning"),
        ("vm", "unexpected", None, {}, "warning"),
        ("vm", "ok", None, {}, "info"),
        ("etcd-member", "unverifiable", None, {}, "error"),
    ],
)
def test_defaults(kind, state, attribute, attrs, level):
    assert Severities().level(kind, state, attribute, attrs) == level


def test_overrides_most_specific_then_last_wins():
    s = Severities(
        [
            "*:changed=info",
            "vm:changed=error",
            "vm:changed.memory=critical",
            "*:*=warning",
            "k8s-node:missing=warning",
            "k8s-node:missing=info",
        ]
    )
    assert s.level("storage-pool", "changed", "type") == "info"  # *:changed beats *:*
    assert s.level("vm", "changed", "vcpu") == "error"
    assert s.level("vm", "changed", "memory") == "critical"
    assert s.level("vm", "ok") == "warning"
    # an override beats the control-plane default; the later of two equal ones wins
    assert s.level("k8s-node", "missing", None, {"roles": ["control-plane"]}) == "info"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("vm-changed=error", "expected KIND:STATE[.ATTRIBUTE]=LEVEL"),
        ("vm:changed", "expected KIND:STATE[.ATTRIBUTE]=LEVEL"),
        ("vms:changed=error", "unknown kind 'vms'"),
        ("vm:drifted=error", "unknown state 'drifted'"),
        ("vm:changed=fatal", "unknown level 'fatal' (known: info, warning, error, critical)"),
        ("vm:missing.memory=error", "only changed and unverifiable findings name an attribute"),
        ("vm:changed.colour=error", "'vm' has no attribute 'colour'"),
    ],
)
def test_override_errors(text, message):
    with pytest.raises(SeverityError) as err:
        Severities([text])
    assert str(err.value).startswith(f"severity override {text!r}")
    assert message in str(err.value)


def test_levels_are_ordered():
    assert [level_rank(x) for x in LEVELS] == [0, 1, 2, 3]
    assert level_rank("critical") > level_rank("warning")
