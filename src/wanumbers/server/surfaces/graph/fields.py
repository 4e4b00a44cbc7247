"""The ``fields`` parameter: which node fields to render, with Graph's sub-selection syntax
(``throughput{level}``). An unknown field fails the whole call, as Graph does.

A client sends the same few ``fields`` strings on every call, so a parse is kept (a bounded LRU: a
string is at most a request head, 16 KiB by default); parsing a ten-field string cost a fifth of a
Graph node read (``python -m bench --scenarios s2``).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from wanumbers.server.domain import waba_node
from wanumbers.server.domain.node import FIELDS, STATUS_FIELDS, project
from wanumbers.server.domain.records import Account, PhoneNumber, Waba


class NonexistingField(Exception):
    def __init__(self, name: str, node_type: str = "WhatsAppBusinessPhoneNumber") -> None:
        super().__init__(name)
        self.name = name
        self.node_type = node_type


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    subfields: tuple[str, ...] = ()


_KEPT_PARSES = 256


def _split(raw: str) -> list[str]:
    """Split on commas outside braces: ``a,b{c,d},e`` -> ``a``, ``b{c,d}``, ``e``."""
    if "{" not in raw and "}" not in raw:
        return [part.strip() for part in raw.split(",") if part.strip()]
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in raw:
        depth += (char == "{") - (char == "}")
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part.strip() for part in parts if part.strip()]


def _spec(part: str) -> FieldSpec:
    name, _, rest = part.partition("{")
    name = name.split(".")[0].strip()  # modifiers such as .limit(5) do not apply to scalar fields
    return FieldSpec(name, tuple(_split(rest.rstrip("}"))) if rest else ())


def parse(
    raw: str | None,
    default: Sequence[str],
    known: Sequence[str] = tuple(FIELDS),
    node_type: str = "WhatsAppBusinessPhoneNumber",
) -> tuple[FieldSpec, ...]:
    """Requested fields in order, ``id`` last (where Graph puts it), without duplicates."""
    return _parse(raw, tuple(default), tuple(known), node_type)


@functools.lru_cache(maxsize=_KEPT_PARSES)
def _parse(
    raw: str | None, default: tuple[str, ...], known: tuple[str, ...], node_type: str
) -> tuple[FieldSpec, ...]:
    specs = [_spec(part) for part in _split(raw)] if raw and raw.strip() else [FieldSpec(n) for n in default]
    seen: dict[str, FieldSpec] = {}
    for spec in specs:
        if spec.name not in known:
            raise NonexistingField(spec.name, node_type)
        seen.setdefault(spec.name, spec)
    seen.pop("id", None)
    return (*seen.values(), FieldSpec("id")) if "id" in known else tuple(seen.values())


def reads_status_only(specs: Sequence[FieldSpec]) -> bool:
    """Whether a number rendered for ``specs`` needs only its status columns (``STATUS_FIELDS``)."""
    return all(spec.name in STATUS_FIELDS for spec in specs)


def asks_status_only(raw: str | None, default: Sequence[str]) -> bool:
    """Whether a ``fields`` string names only status fields, decided before the object is read (a
    string naming an unknown field reads the whole number: it fails later, after the object)."""
    try:
        return reads_status_only(parse(raw, default))
    except NonexistingField:
        return False


def _narrow(value: Any, subfields: tuple[str, ...]) -> Any:
    if not subfields or not isinstance(value, dict):
        return value
    return {key: value[key] for key in subfields if key in value}


def render_node(
    number: PhoneNumber, waba: Waba, account: Account, specs: Sequence[FieldSpec]
) -> dict[str, Any]:
    return render_nodes([number], waba, account, specs)[0]


def render_nodes(
    numbers: Sequence[PhoneNumber], waba: Waba, account: Account, specs: Sequence[FieldSpec]
) -> list[dict[str, Any]]:
    """Each number of one WABA with the fields ``specs`` ask for (a list page: the specs read once)."""
    names = [spec.name for spec in specs]
    projected = [project(number, waba, account, names) for number in numbers]
    if not any(spec.subfields for spec in specs):  # the common case: the projection is the answer
        return projected
    return [{spec.name: _narrow(values[spec.name], spec.subfields) for spec in specs} for values in projected]


def render_waba(waba: Waba, account: Account, specs: Sequence[FieldSpec]) -> dict[str, Any]:
    """The WABA node; a field with no value is left out (``waba_node.project``)."""
    values = waba_node.project(waba, account, [spec.name for spec in specs])
    return {spec.name: _narrow(values[spec.name], spec.subfields) for spec in specs if spec.name in values}
