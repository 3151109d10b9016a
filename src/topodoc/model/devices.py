"""Host devices given to VMs (PCI passthrough, SR-IOV VFs, vGPU slices): what VMs that run
hold, and what the host therefore no longer counts."""

from __future__ import annotations

from typing import Any

from topodoc.model.objects import Device, Model, Passthrough


def held(model: Model, host_id: str, device: Device) -> list[tuple[Any, Passthrough]]:
    """(VM, passthrough) for each VM that runs and holds ``device`` or a part of it."""
    return [(vm, item) for vm, item in model.given.get((host_id, device.name), ()) if vm.runs]


def passed_disks(model: Model, host: Any) -> set[str]:
    """The host's disks on devices passed whole to a VM that runs: the host does not count
    them."""
    return {
        d.disk
        for d in host.devices
        if d.disk and any(item.part == "whole" for _, item in held(model, host.id, d))
    }
