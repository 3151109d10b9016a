"""The page being written, as the placeholders' resolvers see it: the model and the lab as
this page reads them, every read noted in ``keys`` (:mod:`.reads`)."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property

from docutils import nodes
from sphinx.builders import Builder

from topodoc.model.objects import Model, Obj
from topodoc.model.problems import Location

from .domain import TopoDomain
from .i18n import kind_word
from .reads import NotingLab, NotingModel


@dataclass(frozen=True)
class Context:
    """The page being written: links from it to objects' entries; what it read."""

    builder: Builder
    domain: TopoDomain
    docname: str
    keys: set[str] = field(default_factory=set)

    @cached_property
    def model(self) -> Model:
        return NotingModel(self.domain.lab.model, self.keys)  # type: ignore[return-value]

    @cached_property
    def lab(self) -> NotingLab:
        return NotingLab(self.domain.lab, self.model)  # type: ignore[arg-type]

    def link(self, obj_id: str) -> str | None:
        return self.domain.entry_link(self.builder, self.docname, obj_id)

    def ref(self, obj_id: str, text: str | None = None) -> nodes.Node:
        """A link to ``obj_id``'s entry showing ``text`` (its id), or the text alone."""
        text = text or obj_id
        uri = self.link(obj_id)
        if uri is None:
            return nodes.literal(text, text)
        obj: Obj | None = self.model.get(obj_id)
        title = f"{obj.title} ({kind_word(obj.kind)})" if obj else text
        return nodes.reference(
            text, text, internal=True, refuri=uri, reftitle=title, classes=["topodoc-ref"]
        )

    def where(self, loc: Location) -> str:
        """``loc`` as FILE:LINE, the file relative to the topology's parent directory."""
        return f"{os.path.relpath(loc.file, self.lab.settings.topology.parent)}:{loc.line}"
