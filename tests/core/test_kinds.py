"""The kind registry is the one description of the kinds: every part that names or shows a
kind finds it there, so a kind added to the registry but forgotten elsewhere fails here."""

from __future__ import annotations

import json

from topodoc.diagrams.style import SHAPES, THEME
from topodoc.model.kinds import BY_NAME, KINDS, MACHINE_KINDS, REGISTRY, count_noun
from topodoc.reading.build import SECTION_KIND
from topodoc.reading.schema import SECTIONS, schema_text


def test_every_kind_has_a_section_in_the_schema_and_the_builder() -> None:
    properties = json.loads(schema_text())["properties"]
    for kind in REGISTRY:
        assert kind.section in properties, kind.name
        assert kind.section in SECTIONS and SECTION_KIND[kind.section] == kind.name


def test_every_kind_has_a_look_in_every_theme() -> None:
    for kind in KINDS:
        assert kind in SHAPES, kind
        for theme in THEME.values():
            assert kind in theme.kinds, kind


def test_names_and_plurals() -> None:
    assert len(set(KINDS)) == len(KINDS) == len(BY_NAME)
    assert MACHINE_KINDS == ("host", "vm", "container")
    assert count_noun(1, "vm") == "1 VM" and count_noun(2, "vm") == "2 VMs"
    assert count_noun(1, "storage") == "1 storage object"
    assert count_noun(0, "failure_domain") == "0 failure domains"
