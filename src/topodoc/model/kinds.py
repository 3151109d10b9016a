"""The kinds of objects a topology holds: a module of its own, light to import (the Sphinx
extension registers a role per kind before it needs the model itself)."""

KINDS = ("site", "failure_domain", "host", "vm", "container", "cluster", "service", "network",
         "storage")
#: Kinds that are machines: things other things run on and that attach to networks.
MACHINE_KINDS = ("host", "vm", "container")
