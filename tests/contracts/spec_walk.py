"""Walking a contract fragment: every property of a request DTO with the rule the
published spec sets on it, so tests can be generated from the spec, not typed in."""

from __future__ import annotations

import copy
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

CONTRACTS = Path(__file__).resolve().parent
Path_ = list[str | int]


@cache
def defs(fragment: str) -> dict[str, Any]:
    return dict(json.loads((CONTRACTS / fragment).read_text(encoding="utf-8"))["$defs"])


def resolve(node: dict[str, Any], d: dict[str, Any]) -> tuple[str | None, dict[str, Any]]:
    """(definition name, schema) behind a `$ref`, or (None, node) without one."""
    ref = node.get("$ref")
    if isinstance(ref, str):
        name = ref.rsplit("/", 1)[-1]
        return name, d[name]
    return None, node


def types(node: dict[str, Any]) -> list[str]:
    t = node.get("type", [])
    return [t] if isinstance(t, str) else list(t)


@dataclass(frozen=True)
class Field:
    path: tuple[str | int, ...]
    schema: dict[str, Any]
    # The object definition the field belongs to.
    owner: str
    # The object definition of its value, or of its array's items.
    ref: str | None = None
    item_ref: str | None = None

    @property
    def prop(self) -> str:
        """As SalesOrders v3 names a property: orderLines[0].unitOfMeasure."""
        out = ""
        for part in self.path:
            out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
        return out


def fields(fragment: str, root: str, depth: int = 4) -> Iterator[Field]:
    """Every property under `root`, nested objects and the first item of arrays too."""
    d = defs(fragment)

    def walk(name: str, schema: dict[str, Any], at: Path_, seen: frozenset[str]) -> Iterator[Field]:
        for key, raw in (schema.get("properties") or {}).items():
            ref, node = resolve(raw, d)
            here = [*at, key]
            items = node.get("items")
            item_ref, item = resolve(items, d) if isinstance(items, dict) else (None, {})
            obj = ref if node.get("properties") else None
            obj_items = item_ref if item.get("properties") else None
            yield Field(tuple(here), node, name, obj, obj_items)
            if len(here) >= depth:
                continue
            if obj and obj not in seen:
                yield from walk(obj, node, here, seen | {obj})
            if obj_items and obj_items not in seen:
                yield from walk(obj_items, item, [*here, 0], seen | {obj_items})

    yield from walk(root, d[root], [], frozenset({root}))


def objects(fragment: str, root: str) -> Iterator[tuple[tuple[str | int, ...], str]]:
    """(path, definition) of `root` and of every closed object under it."""
    d = defs(fragment)
    if d[root].get("additionalProperties") is False:
        yield (), root
    for f in fields(fragment, root):
        if f.ref and d[f.ref].get("additionalProperties") is False:
            yield f.path, f.ref
        if f.item_ref and d[f.item_ref].get("additionalProperties") is False:
            yield (*f.path, 0), f.item_ref


def minimal(fragment: str, name: str) -> dict[str, Any]:
    """The smallest instance of a definition: its required fields, each a plain value."""
    d = defs(fragment)
    out: dict[str, Any] = {}
    schema = d[name]
    for key in schema.get("required", []):
        ref, node = resolve(schema["properties"][key], d)
        if ref and node.get("properties"):
            out[key] = minimal(fragment, ref)
        elif "enum" in node:
            out[key] = node["enum"][0]
        else:
            kind = next(t for t in types(node) if t != "null")
            out[key] = {"string": "A", "number": 1, "integer": 1, "boolean": False}.get(kind, {})
    return out


def put(body: dict[str, Any], path: tuple[str | int, ...], value: Any) -> dict[str, Any]:
    """A copy of `body` with `value` at `path`; missing objects and lists are made."""
    out = copy.deepcopy(body)
    node: Any = out
    for part, nxt in itertools.pairwise(path):
        if isinstance(part, int):
            while len(node) <= part:
                node.append({})
            node = node[part]
            continue
        if part not in node or node[part] is None:
            node[part] = [] if isinstance(nxt, int) else {}
        node = node[part]
    last = path[-1]
    if isinstance(last, int):
        while len(node) <= last:
            node.append({})
    node[last] = value
    return out


def wrong_type(node: dict[str, Any]) -> Any:
    """A value of a JSON type the field does not take."""
    kinds = set(types(node))
    if "string" in kinds:
        return 12345
    if kinds & {"number", "integer"}:
        return "many"
    if "boolean" in kinds:
        return "yes"
    return 7
