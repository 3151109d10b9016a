"""The states of a finding: a module of its own, so the Sphinx extension can check a
directive's ``:states:`` without importing the drift checker."""

#: Finding states, in summary order.
STATES = ("ok", "missing", "unexpected", "changed", "unverifiable")

#: Drift states: a finding in one of these (not ignored) means the lab has drifted.
DRIFT_STATES = frozenset({"missing", "unexpected", "changed"})
