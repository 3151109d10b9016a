"""Safe YAML loading that keeps the position of every node.

The document is built straight from libyaml's event stream (``CParser`` where PyYAML has it),
without recursion, so it can bound what a hostile file could make it do: nesting depth, alias
expansion ("billion laughs") and documents per file. Mappings and sequences come back as
:class:`YMap` and :class:`YList`, which remember where each key and value was written.

Plain scalars are resolved with the YAML 1.2 core schema: ``true``/``false`` are the only
booleans (``on``, ``yes`` and ``no`` stay strings) and dates stay strings; ``.inf`` and ``.nan``
stay strings too, so that every model exports as strict JSON.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import yaml

from topodoc.errors import TopodocError
from topodoc.model.problems import Location

# libyaml's parser is about 10x faster than the pure-Python one; only its events are used.
_Parser = getattr(yaml, "CBaseLoader", yaml.BaseLoader)

MAX_DEPTH = 64
MAX_ALIAS_EXPANSION = 100_000

Pos = tuple[int, int]  # (line, col), 1-based


class YAMLProblem(TopodocError):
    """A YAML file that cannot be read as a topology document."""

    def __init__(self, rule: str, message: str, loc: Location):
        super().__init__(message)
        self.rule, self.message, self.loc = rule, message, loc


class YMap(dict[Any, Any]):
    """A mapping that remembers its file and where each key and value was written."""

    __slots__ = ("file", "pos", "key_pos", "val_pos")
    file: str
    pos: Pos
    key_pos: dict[Any, Pos]  # keys are what YAML resolved them to: mostly text, maybe numbers
    val_pos: dict[Any, Pos]

    def loc(self, key: str | None = None, *, of_key: bool = False) -> Location:
        """The location of this mapping, of one of its values, or of one of its keys."""
        if key is None:
            return Location(self.file, *self.pos)
        table = self.key_pos if of_key else self.val_pos
        return Location(self.file, *table.get(key, self.pos))


class YList(list[Any]):
    """A sequence that remembers its file and where each item was written."""

    __slots__ = ("file", "pos", "item_pos")
    file: str
    pos: Pos
    item_pos: list[Pos]

    def loc(self, index: int | None = None) -> Location:
        if index is None or index >= len(self.item_pos):
            return Location(self.file, *self.pos)
        return Location(self.file, *self.item_pos[index])


class NodeLocations(Mapping[str, Location]):
    """Where each value of a mapping is written, computed on demand.

    Keys are field names, or ``field[i]`` for the i-th item of a list value.
    """

    __slots__ = ("_node",)

    def __init__(self, node: YMap):
        self._node = node

    def __getitem__(self, key: str) -> Location:
        node = self._node
        name, _, index = key.partition("[")
        if name not in node.val_pos:
            raise KeyError(key)
        if not index:
            return node.loc(name)
        items = node[name]
        position = int(index.rstrip("]"))
        if not isinstance(items, YList) or position >= len(items):
            raise KeyError(key)
        return items.loc(position)

    def __iter__(self) -> Iterator[str]:
        return iter(self._node.val_pos)

    def __len__(self) -> int:
        return len(self._node.val_pos)


_INT = re.compile(r"[-+]?[0-9]+\Z")
_INT_OTHER = re.compile(r"0o[0-7]+\Z|0x[0-9a-fA-F]+\Z")
_FLOAT = re.compile(r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?\Z")
#: Any of the three: one test turns away the common strings that start like a number
#: (addresses, sizes such as ``64GiB``).
_NUMBER = re.compile("|".join(f"(?:{p.pattern})" for p in (_INT, _INT_OTHER, _FLOAT)))
#: ``.inf`` and ``.nan`` stay strings: no topology value is infinite, and JSON cannot write them.
_SPECIAL: dict[str, Any] = {
    "": None,
    "~": None,
    "null": None,
    "Null": None,
    "NULL": None,
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
}
_NUMERIC_START = frozenset("0123456789+-.")
_MAX_NUMBER_CHARS = 40
#: First characters of plain scalars that may resolve to something other than a string.
_RESOLVED_START = frozenset("0123456789+-.~nNtTfF")
_STR_TAGS = {"tag:yaml.org,2002:str", "!"}


def _plain(value: str) -> Any:
    if value in _SPECIAL:
        return _SPECIAL[value]
    if value[0] not in _NUMERIC_START:
        return value
    if len(value) > _MAX_NUMBER_CHARS:  # a string, that the schema refuses where it wants a
        return value  # number: never an int Python cannot print
    if not _NUMBER.match(value):
        return value
    if _INT.match(value):
        return int(value)
    if _INT_OTHER.match(value):
        return int(value, 0)
    if _FLOAT.match(value):
        number = float(value)
        return number if math.isfinite(number) else value
    return value


#: The Python types a value explicitly tagged with one of YAML's core tags may have.
_TAG_TYPES: dict[str, tuple[type, ...]] = {
    "int": (int,),
    "float": (int, float),
    "bool": (bool,),
    "null": (type(None),),
}


def _scalar(event: yaml.ScalarEvent, file: str, pos: Pos) -> Any:
    tag = event.tag
    if tag is None or tag == "!":
        return _plain(event.value) if event.implicit[0] else event.value
    if tag in _STR_TAGS:
        return event.value
    if tag in (
        "tag:yaml.org,2002:int",
        "tag:yaml.org,2002:float",
        "tag:yaml.org,2002:bool",
        "tag:yaml.org,2002:null",
    ):
        value = _plain(event.value)
        kind = tag.rsplit(":", 1)[1]
        if type(value) in _TAG_TYPES[kind]:  # exact types: true is neither !!int nor !!float
            return float(value) if kind == "float" else value
        raise YAMLProblem(
            "yaml-tag", f"{event.value!r} is not a valid !!{kind}", Location(file, *pos)
        )
    raise YAMLProblem(
        "yaml-tag",
        f"unsupported YAML tag {tag!r}: topology files use plain YAML values only",
        Location(file, *pos),
    )


class _Frame:
    """A mapping or sequence being built, with what adding to it needs at hand."""

    __slots__ = (
        "value",
        "map",
        "anchor",
        "key",
        "key_pos",
        "size",
        "merges",
        "is_list",
        "append",
        "append_pos",
    )
    map: YMap  # a mapping's value (unset for a sequence)
    append: Callable[[Any], None]  # a sequence's (unset for a mapping)
    append_pos: Callable[[Pos], None]

    def __init__(self, value: YMap | YList, anchor: str | None):
        self.value = value
        self.anchor = anchor
        self.key: Any = _NO_KEY
        self.key_pos: Pos = (0, 0)
        self.size = 1
        self.merges: list[tuple[YMap, Pos]] = []
        self.is_list = isinstance(value, YList)
        if isinstance(value, YList):
            self.append, self.append_pos = value.append, value.item_pos.append
        else:
            self.map = value


_NO_KEY = object()


def load(text: str, file: str) -> Any:
    """Parse one YAML document from ``text`` into plain values with positions.

    Raises :class:`YAMLProblem` with the location of the first thing that makes the document
    unreadable; the caller reports it and goes on with the other files.
    """
    try:
        return _build(text, file)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        loc = Location(file, mark.line + 1, mark.column + 1) if mark else Location(file, 1, 1)
        raise YAMLProblem("yaml-syntax", _syntax_message(exc, text, mark), loc) from None
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow
        raise YAMLProblem(
            "yaml-syntax",
            f"unacceptable character #x{exc.character:04x}: {exc.reason}",
            _reader_location(text, exc.position, file),
        ) from None
    except yaml.YAMLError as exc:  # any other error without a mark
        raise YAMLProblem("yaml-syntax", str(exc).splitlines()[0], Location(file, 1, 1)) from None


def _reader_location(text: str, position: int, file: str) -> Location:
    """Where a reader error is: libyaml counts its position in bytes of UTF-8, PyYAML in
    characters."""
    if _Parser is not yaml.BaseLoader:
        position = len(text.encode("utf-8")[:position].decode("utf-8", "ignore"))
    line = text.count("\n", 0, position) + 1
    return Location(file, line, position - (text.rfind("\n", 0, position) + 1) + 1)


def _syntax_message(exc: yaml.MarkedYAMLError, text: str, mark: Any) -> str:
    problem = exc.problem or exc.context or "invalid YAML"
    if (
        mark is not None
        and "\t" in problem
        or (mark is not None and text[mark.index : mark.index + 1] == "\t")
    ):
        return "a tab character: YAML indentation must use spaces"
    context = f" ({exc.context})" if exc.context and exc.problem else ""
    start = exc.context_mark
    if context and start is not None and mark is not None and start.line != mark.line:
        context = (
            f" ({exc.context} that starts at line {start.line + 1}, column {start.column + 1})"
        )
    return f"{problem}{context}"


def _build(text: str, file: str) -> Any:
    """The event loop: the hot path of reading a topology (a 10,000-object lab is 300,000
    events), so its common cases (a plain scalar added to the mapping or sequence on top)
    run inline, without calls."""
    get_event = _Parser(text).get_event
    stack: list[_Frame] = []
    top: _Frame | None = None
    anchors: dict[str, tuple[Any, int]] = {}
    expanded = 0
    root: Any = _NO_KEY
    documents = 0
    while (event := get_event()) is not None:
        etype = type(event)
        if etype is _SCALAR:
            mark = event.start_mark
            pos = (mark.line + 1, mark.column + 1)
            if event.tag is None and event.implicit[0]:  # a plain scalar: the common case
                value = event.value
                if not value or value[0] in _RESOLVED_START:
                    value = _plain(value)
            else:
                value = _scalar(event, file, pos)
            if event.anchor:
                anchors[event.anchor] = (value, 1)
            size = 1
        elif etype is _MAP_START or etype is _SEQ_START:
            mark = event.start_mark
            pos = (mark.line + 1, mark.column + 1)
            if len(stack) >= MAX_DEPTH:
                raise YAMLProblem(
                    "yaml-limit",
                    f"nesting deeper than {MAX_DEPTH} levels; a topology never needs that",
                    Location(file, *pos),
                )
            if event.tag not in (None, "!", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"):
                raise YAMLProblem(
                    "yaml-tag", f"unsupported YAML tag {event.tag!r}", Location(file, *pos)
                )
            new: YMap | YList
            if etype is _MAP_START:
                new = YMap()
                new.key_pos, new.val_pos = {}, {}
            else:
                new = YList()
                new.item_pos = []
            new.file, new.pos = file, pos
            top = _Frame(new, event.anchor)
            stack.append(top)
            continue
        elif etype is _MAP_END or etype is _SEQ_END:
            frame = stack.pop()
            top = stack[-1] if stack else None
            value = frame.value
            for merged, _ in frame.merges:  # a mapping's only
                target = frame.map
                for key, item in merged.items():
                    if key not in target:
                        target[key] = item
                        target.key_pos[key] = merged.key_pos[key]
                        target.val_pos[key] = merged.val_pos[key]
            if frame.anchor:
                anchors[frame.anchor] = (value, frame.size)
            pos, size = value.pos, frame.size
        elif etype is _ALIAS:
            mark = event.start_mark
            pos = (mark.line + 1, mark.column + 1)
            if event.anchor not in anchors:
                raise YAMLProblem(
                    "yaml-syntax", f"unknown alias *{event.anchor}", Location(file, *pos)
                )
            value, size = anchors[event.anchor]
            expanded += size
            if expanded > MAX_ALIAS_EXPANSION:
                raise YAMLProblem(
                    "yaml-limit",
                    f"aliases expand to more than {MAX_ALIAS_EXPANSION:,} nodes (an alias bomb?)",
                    Location(file, *pos),
                )
        else:
            if etype is _DOC_START:
                documents += 1
                if documents > 1:
                    mark = event.start_mark
                    raise YAMLProblem(
                        "yaml-syntax",
                        "more than one YAML document in a file; split it into several files",
                        Location(file, mark.line + 1, mark.column + 1),
                    )
            continue
        # ``value``, written at ``pos`` and counting ``size`` nodes, goes into ``top``
        if top is None:
            root = value
            continue
        top.size += size
        if top.is_list:
            top.append(value)
            top.append_pos(pos)
            continue
        key = top.key
        if key is _NO_KEY:  # this value is a key
            if isinstance(value, (YMap, YList)):
                raise YAMLProblem(
                    "yaml-syntax", "a mapping key must be a plain value", Location(file, *pos)
                )
            if value is None or isinstance(value, (bool, float)):
                value = "null" if value is None else str(value).lower()
            top.key, top.key_pos = value, pos
            continue
        top.key = _NO_KEY
        container = top.map
        if key == "<<":
            for item in value if isinstance(value, YList) else [value]:
                if not isinstance(item, YMap):
                    raise YAMLProblem(
                        "yaml-syntax",
                        "a merge key '<<' needs a mapping or a list of mappings",
                        Location(file, *pos),
                    )
                top.merges.append((item, pos))
            continue
        if key in container:  # merged keys are added at the end: these are written ones
            first = container.key_pos[key]
            raise YAMLProblem(
                "yaml-duplicate-key",
                f"duplicate key {key!r} (first written at "
                f"line {first[0]}); YAML would silently keep only the last one",
                Location(file, *top.key_pos),
            )
        container[key] = value
        container.key_pos[key] = top.key_pos
        container.val_pos[key] = pos
    return None if root is _NO_KEY else root


_SCALAR, _ALIAS, _DOC_START = yaml.ScalarEvent, yaml.AliasEvent, yaml.DocumentStartEvent
_MAP_START, _MAP_END = yaml.MappingStartEvent, yaml.MappingEndEvent
_SEQ_START, _SEQ_END = yaml.SequenceStartEvent, yaml.SequenceEndEvent
