"""The topology's JSON Schema, shipped in the package, and validation with located messages."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

import fastjsonschema

from topodoc.model.kinds import REGISTRY
from topodoc.model.problems import Location, Problem
from topodoc.model.sizes import SIZE_PATTERN, SizeError, parse_size
from topodoc.reading.schema_code import compiled_validator
from topodoc.reading.yamlpos import YList, YMap
from topodoc.util.secrets import is_secret_name
from topodoc.util.suggest import did_you_mean

if TYPE_CHECKING:  # jsonschema is only needed for a file the compiled validator rejects
    import jsonschema

#: The lists of a topology file that hold objects (one per kind), views or scenarios.
SECTIONS = (*(kind.section for kind in REGISTRY), "views", "scenarios")


def schema_text() -> str:
    """The JSON Schema of one topology file, as shipped."""
    return resources.files("topodoc.reading").joinpath("topology.schema.json").read_text("utf-8")


@cache
def schema() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(schema_text())
    return loaded


#: An unescaped ``$``: in the schema's (ECMA-262) patterns the end of the text, in Python's
#: also just before a final line break ("abc\n" would pass ``^[a-z]+$``).
_DOLLAR = re.compile(r"(?<!\\)\$")


def full_match_patterns(node: Any) -> Any:
    """``node`` (a schema) with each pattern's ``$`` written ``\\Z``, as fastjsonschema does:
    both validators then match patterns against the whole text."""
    if isinstance(node, dict):
        return {
            key: _DOLLAR.sub(r"\\Z", value)
            if key == "pattern" and isinstance(value, str)
            else full_match_patterns(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [full_match_patterns(value) for value in node]
    return node


_FULL_SIZE_PATTERN = _DOLLAR.sub(r"\\Z", SIZE_PATTERN)


@cache
def _validator() -> jsonschema.protocols.Validator:
    import jsonschema

    cls = jsonschema.validators.validator_for(schema())
    return cls(full_match_patterns(schema()))


@cache
def _compiled() -> Callable[[Any], Any]:
    """The schema compiled to Python by fastjsonschema: about 15x faster, first error only."""
    return compiled_validator(schema_text(), schema())


def validate(doc: YMap) -> list[Problem]:
    """Every schema problem in one parsed file, each at the node it is about.

    A valid file (the common case) is checked by the compiled validator alone; a file it
    rejects is checked again by jsonschema, which finds every problem and where it is.
    """
    try:
        _compiled()(doc)
        return []
    except fastjsonschema.JsonSchemaValueException as exc:
        # the path and message, not the exception: its traceback would hold this frame
        rejected = (list(getattr(exc, "path", None) or ["data"])[1:], exc.message)
    problems: list[Problem] = []
    for error in _validator().iter_errors(doc):
        problems.extend(_problems(error, doc))
    if not problems:  # the two validators disagree: never let the file pass unreported
        path, message = rejected
        problems.append(
            Problem("schema", "error", f"{_where(path)}: {message}", _node(doc, path)[1])
        )
    return problems


def invalid_items(doc: YMap) -> set[tuple[str, int]]:
    """The (section, index) of every object a schema problem lies in.

    Entries of the ``live`` part count as ``("live.KIND", index)``. Found from the paths of the
    schema errors, not from their locations: a problem written after the last item of a list
    does not lie in that item.
    """
    bad: set[tuple[str, int]] = set()
    for error in _validator().iter_errors(doc):
        path = list(error.absolute_path)
        if len(path) >= 2 and path[0] in SECTIONS and isinstance(path[1], int):
            bad.add((path[0], path[1]))
        elif len(path) >= 3 and path[0] == "live" and isinstance(path[2], int):
            bad.add((f"live.{path[1]}", path[2]))
    return bad


def _node(doc: Any, path: Any) -> tuple[Any, Location]:
    """The value at ``path`` and where it is written."""
    node, loc = doc, doc.loc()
    for part in path:
        if isinstance(node, YMap) and part in node:
            loc = node.loc(part)
            node = node[part]
        elif isinstance(node, YList) and isinstance(part, int) and part < len(node):
            loc = node.loc(part)
            node = node[part]
        else:
            break
    return node, loc


def _where(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "the file"


def _problems(error: jsonschema.ValidationError, doc: YMap) -> list[Problem]:
    node, loc = _node(doc, error.absolute_path)
    where = _where(error.absolute_path)
    kind = error.validator
    if kind == "additionalProperties" and isinstance(node, YMap):
        # (an error always has its schema; the stubs allow one without)
        spec = error.schema if isinstance(error.schema, Mapping) else {}
        allowed = sorted(spec.get("properties", {}))
        out = []
        for key in sorted(set(node) - set(allowed), key=str):
            hint = did_you_mean(str(key), allowed) or f" (allowed: {', '.join(allowed)})"
            secret = " — secrets never go in the topology" if is_secret_name(key) else ""
            out.append(
                Problem(
                    "unknown-key",
                    "error",
                    f"unknown key {key!r} in {where}{secret}{hint}",
                    node.loc(key, of_key=True),
                )
            )
        return out
    if kind == "required":
        missing = error.message.split("'")[1] if "'" in error.message else error.message
        return [Problem("schema", "error", f"{where}: missing required key {missing!r}", loc)]
    if kind == "pattern" and error.validator_value == _FULL_SIZE_PATTERN:
        try:
            parse_size(node)
        except SizeError as exc:
            return [Problem("size-format", "error", f"{where}: {exc}", loc)]
    if kind == "type":
        value = error.validator_value
        expected = " or ".join(value) if isinstance(value, list) else str(value)
        hint = " (quote it to make it a string)" if expected == "string" else ""
        return [
            Problem(
                "schema",
                "error",
                f"{where}: expected {_article(expected)}, got {_describe(node)}{hint}",
                loc,
            )
        ]
    if kind in ("enum", "const"):
        value = error.validator_value
        choices = value if kind == "enum" and isinstance(value, list) else [value]
        hint = did_you_mean(str(node), [str(c) for c in choices])
        return [
            Problem(
                "schema",
                "error",
                f"{where}: {node!r} is not one of {', '.join(repr(c) for c in choices)}{hint}",
                loc,
            )
        ]
    if kind == "pattern":
        form = str(error.validator_value).replace("\\Z", "$")  # as the schema writes it
        return [
            Problem(
                "schema", "error", f"{where}: {node!r} does not match the expected form {form}", loc
            )
        ]
    return [Problem("schema", "error", f"{where}: {error.message}", loc)]


def _article(name: str) -> str:
    return f"an {name}" if name[0] in "aeiou" else f"a {name}"


def _describe(value: Any) -> str:
    if isinstance(value, YMap):
        return "a mapping"
    if isinstance(value, YList):
        return "a list"
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"a boolean ({str(value).lower()})"
    return (
        f"{type(value).__name__} {value!r}".replace("str ", "string ")
        .replace("int ", "integer ")
        .replace("float ", "number ")
    )
