"""Keeping a diagram within its node budget by drawing groups of objects as one node.

Collapses happen only while the diagram is over budget, biggest saving first within a level,
deepest level first, in five passes:

1. objects with nothing inside them and the same relations (kind, and edges to the same
   objects with the same labels: the members of a cluster with one role, say) become one
   node, inside the box they were in;
2. everything inside a machine's box becomes one node ("12 VMs, 1 container");
3. objects at the top level with nothing drawn inside them become one node per kind;
4. everything inside a failure domain's or site's box becomes one node, deepest level first
   (a rack before its site: the boxes of a kind are not all collapsed at once);
5. objects at the top level, boxes included, become one node per kind.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from topodoc.diagrams.views import Selected
from topodoc.model.kinds import KINDS, MACHINE_KINDS, count_noun
from topodoc.model.objects import Model

TOP = ""  # the key of the top level in ``Plan.children``


@dataclass(frozen=True)
class Summary:
    """A node standing for several objects."""

    id: str
    hidden: tuple[str, ...]  # the object ids it stands for, sorted
    label: str  # "40 VMs" or "12 VMs, 1 container"
    kind: str  # the kind of what it hides, "" when mixed


@dataclass(frozen=True)
class Plan:
    """What is drawn: object ids and summary ids, nested; and what each object is drawn as."""

    children: Mapping[str, tuple[str, ...]]  # TOP or a drawn object id -> drawn keys inside
    summaries: Mapping[str, Summary]
    drawn_as: Mapping[str, str]  # every selected object id -> its own id, or its summary's
    messages: tuple[str, ...]  # one per collapse


def plan(model: Model, selected: Selected, budget: int) -> Plan:
    """The drawing of ``selected`` in at most ``budget`` nodes, when it can be done."""
    return _Planner(model, selected).run(budget)


class _Planner:
    def __init__(self, model: Model, selected: Selected) -> None:
        self.model = model
        self.selected = selected
        self.children: dict[str, list[str]] = {TOP: list(selected.roots)}
        self.children.update({k: list(v) for k, v in selected.children.items()})
        self.summaries: dict[str, Summary] = {}
        self.owner: dict[str, str] = {}  # hidden object id -> its summary id
        self.messages: list[str] = []
        self.links: dict[str, list[tuple[str, str, str, str]]] = {}
        for edge in selected.edges:
            self.links.setdefault(edge.source, []).append(
                ("out", edge.relation, edge.target, edge.label)
            )
            self.links.setdefault(edge.target, []).append(
                ("in", edge.relation, edge.source, edge.label)
            )
        self.inside = self._inside_counts()  # TOP or drawn key -> nodes drawn inside it

    def _inside_counts(self) -> dict[str, int]:
        inside = dict.fromkeys(self.children, 0)
        inside[TOP] = len(self.selected.ids)
        for obj_id in self.selected.parent:
            for box in self.selected.ancestors(obj_id):
                inside[box] += 1
        return inside

    @property
    def size(self) -> int:
        """Nodes drawn."""
        return self.inside[TOP]

    def run(self, budget: int) -> Plan:
        depth = {c: len(self.selected.ancestors(c)) for c in self.selected.children}
        levels = sorted(set(depth.values()), reverse=True)

        def boxes(level: int, *kinds: str) -> list[str]:
            return [
                c for c, d in depth.items() if d == level and self.model.objects[c].kind in kinds
            ]

        machines = [boxes(level, *MACHINE_KINDS) for level in levels]
        groups = [boxes(level, "site", "failure_domain") for level in levels]
        passes = [(self._same_relations, boxes(level, *KINDS)) for level in levels]
        passes += [(self._same_relations, [TOP])]
        passes += [(self._everything_inside, level) for level in machines]
        passes += [(self._by_kind, [TOP])]
        passes += [(self._everything_inside, level) for level in groups]
        passes += [(self._boxes_by_kind, [TOP])]
        for collapse, candidates in passes:
            for box in sorted(candidates, key=lambda b: (-self._count(b), b)):
                if self.size <= budget:
                    break
                collapse(box, budget)
        if self.size > budget:
            self.messages.append(
                f"still {self.size} nodes, over the node budget of {budget}: "
                "nothing more can be collapsed"
            )
        children = {k: tuple(sorted(v)) for k, v in self.children.items() if v}
        drawn_as = {i: self.owner.get(i, i) for i in self.selected.ids}
        return Plan(children, dict(sorted(self.summaries.items())), drawn_as, tuple(self.messages))

    def _count(self, key: str) -> int:
        """Nodes drawn inside ``key``, at any depth."""
        return self.inside.get(key, 0)

    def _where(self, box: str) -> str:
        return "top level" if box == TOP else box

    def _same_relations(self, box: str, budget: int) -> None:
        groups: dict[tuple[str, tuple[tuple[str, str, str, str], ...]], list[str]] = {}
        for key in self.children.get(box, ()):
            if key in self.summaries or self.children.get(key):
                continue
            links = sorted(
                (d, r, self.owner.get(o, o), lab) for d, r, o, lab in self.links.get(key, ())
            )
            groups.setdefault((self.model.objects[key].kind, tuple(links)), []).append(key)
        self._groups(box, groups.values(), budget, " with the same relations")

    def _everything_inside(self, box: str, budget: int) -> None:
        keys = self.children.get(box, [])
        if len(keys) > 1 or (keys and self.children.get(keys[0])):
            summary = self._replace(box, list(keys))
            self.messages.append(
                f"{self._where(box)}: everything inside ({summary.label}) drawn as one node"
            )

    def _by_kind(self, box: str, budget: int, *, boxes: bool = False) -> None:
        groups: dict[str, list[str]] = {}
        for key in self.children.get(box, ()):
            if boxes or not self.children.get(key):
                groups.setdefault(self._kind(key), []).append(key)
        self._groups(box, groups.values(), budget, "")

    def _groups(self, box: str, groups: Iterable[list[str]], budget: int, why: str) -> None:
        """Each group of two or more keys in ``box`` drawn as one node, biggest first, while
        the diagram is over ``budget``; ``why`` says what the group's keys share."""
        for keys in sorted((g for g in groups if len(g) > 1), key=lambda g: (-len(g), g[0])):
            if self.size <= budget:
                return
            summary = self._replace(box, keys)
            self.messages.append(
                f"{self._where(box)}: {summary.label}{why} "
                f"({_preview(summary.hidden)}) drawn as one node"
            )

    def _boxes_by_kind(self, box: str, budget: int) -> None:
        self._by_kind(box, budget, boxes=True)

    def _kind(self, key: str) -> str:
        return self.summaries[key].kind if key in self.summaries else self.model.objects[key].kind

    def _hidden(self, key: str) -> list[str]:
        """The object ids ``key`` and everything inside it stand for."""
        own = list(self.summaries[key].hidden) if key in self.summaries else [key]
        return own + [i for k in self.children.get(key, ()) for i in self._hidden(k)]

    def _replace(self, box: str, keys: list[str]) -> Summary:
        """Draw ``keys`` (inside ``box``) and everything inside them as one summary node."""
        hidden = sorted(i for k in keys for i in self._hidden(k))
        saved = sum(1 + self._count(k) for k in keys) - 1
        for outer in (box, *self.selected.ancestors(box), TOP) if box != TOP else (TOP,):
            self.inside[outer] -= saved
        for key in keys:
            self._drop(key)
        kinds: Counter[str] = Counter(self.model.objects[i].kind for i in hidden)
        label = ", ".join(count_noun(kinds[k], k) for k in KINDS if kinds[k])
        summary = Summary(
            f"collapsed:{hidden[0]}",
            tuple(hidden),
            label,
            next(iter(kinds)) if len(kinds) == 1 else "",
        )
        self.summaries[summary.id] = summary
        for item in hidden:
            self.owner[item] = summary.id
        replaced = set(keys)
        self.children[box] = [k for k in self.children[box] if k not in replaced] + [summary.id]
        return summary

    def _drop(self, key: str) -> None:
        for inner in self.children.pop(key, []):
            self._drop(inner)
        self.summaries.pop(key, None)
        self.inside.pop(key, None)


def _preview(ids: tuple[str, ...], count: int = 3) -> str:
    """``a, b, c, ...``: the first ``count`` ids."""
    return ", ".join(ids[:count]) + (", ..." if len(ids) > count else "")
