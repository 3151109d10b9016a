"""What a diagram shows: a :class:`Selection` of the model.

A topology's named view holds one (:class:`~topodoc.model.objects.View`); a directive's or
the command line's options give one, or change a view's. Here are the words a selection is
written in and the checks every selection passes; what each part means and how a selection
is worked out into objects and relations is :mod:`topodoc.diagrams.views`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from topodoc.errors import TopodocError
from topodoc.model.kinds import KINDS
from topodoc.util.suggest import unknown_name

LAYERS = (
    "physical",
    "virtualization",
    "openstack",
    "kubernetes",
    "storage",
    "services",
    "failure-domains",
    "network",
)
DIRECTIONS = ("TB", "LR", "BT", "RL")
#: ``detail``: every selected object; ``overview``: sites, failure domains, hosts, clusters and
#: networks only, each host counting what runs on it, relations of what they hold lifted to
#: them; ``stack``: the selected machines in bands, physical hosts first, then each level of
#: virtualization, then clusters (see :mod:`topodoc.diagrams.dot`).
LEVELS = ("detail", "overview", "stack")


class ViewError(TopodocError, ValueError):
    """A view or selection that cannot be drawn: unknown view, layer, kind or object."""


@dataclass(frozen=True)
class Selection:
    """What a diagram shows; invalid layers, kinds, direction or depth raise :class:`ViewError`."""

    layers: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    root: str | None = None
    depth: int | None = None
    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    direction: str = "TB"
    title: str = ""
    level: str = "detail"

    def __post_init__(self) -> None:
        for what, values, known in (("layer", self.layers, LAYERS), ("kind", self.kinds, KINDS)):
            for value in values:
                if value not in known:
                    raise ViewError(unknown_name(what, value, known))
        if self.direction not in DIRECTIONS:
            raise ViewError(unknown_name("direction", self.direction, DIRECTIONS))
        if self.level not in LEVELS:
            raise ViewError(unknown_name("level", self.level, LEVELS))
        if self.depth is not None and (type(self.depth) is not int or self.depth < 0):
            raise ViewError(f"depth must be a whole number >= 0, not {self.depth!r}")

    @classmethod
    def from_options(
        cls,
        *,
        layers: str | Iterable[str] | None = None,
        kinds: str | Iterable[str] | None = None,
        tags: str | Iterable[str] | None = None,
        root: str | None = None,
        depth: int | str | None = None,
        include: str | Iterable[str] | None = None,
        exclude: str | Iterable[str] | None = None,
        direction: str | None = None,
        title: str | None = None,
        level: str | None = None,
    ) -> Selection:
        """A selection from loosely typed options (a directive's, a command line's).

        Lists may be strings separated by commas or spaces; ``depth`` may be a string;
        ``direction`` is case-insensitive. Empty values mean "not given".
        """
        if isinstance(depth, str):
            try:
                depth = int(depth.strip()) if depth.strip() else None
            except ValueError:
                raise ViewError(f"depth must be a whole number >= 0, not {depth!r}") from None
        return cls(
            layers=_names(layers),
            kinds=_names(kinds),
            tags=_names(tags),
            root=(root or "").strip() or None,
            depth=depth,
            include=_names(include),
            exclude=_names(exclude),
            direction=(direction or "TB").strip().upper(),
            title=title or "",
            level=(level or "detail").strip().lower(),
        )


def _names(value: str | Iterable[str] | None) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = value.replace(",", " ").split()
    return tuple(dict.fromkeys(v.strip() for v in value if v.strip()))
