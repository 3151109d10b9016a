"""The compiled validator (fastjsonschema's code with its ``format(**locals())`` turned into
f-strings) accepts and rejects what jsonschema does, naming the same item."""

from __future__ import annotations

import fastjsonschema
import pytest

from topodoc.schema import _compiled, _validator

VALID = {"version": 1, "hosts": [{"id": "h1", "memory": "8GiB"}],
         "vms": [{"id": "a", "runs_on": "h1", "platform": "libvirt"},
                 {"id": "b", "runs_on": "h1", "platform": "libvirt", "vcpu": 2}]}


def test_a_valid_document_passes_both() -> None:
    _compiled()(VALID)
    assert list(_validator().iter_errors(VALID)) == []


@pytest.mark.parametrize("path, bad", [
    ("data.vms[1].vcpu", {"vcpu": "two"}),
    ("data.vms[1].nics[0]", {"nics": ["eth0"]}),
    ("data.vms[1]", {"colour": "red"}),
])
def test_an_invalid_item_is_named_by_its_path(path: str, bad: dict) -> None:
    doc = {**VALID, "vms": [VALID["vms"][0], {**VALID["vms"][1], **bad}]}
    with pytest.raises(fastjsonschema.JsonSchemaException) as caught:
        _compiled()(doc)
    assert caught.value.name == path
    assert list(_validator().iter_errors(doc))
