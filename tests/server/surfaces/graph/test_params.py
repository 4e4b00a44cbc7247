"""Structured parameters: JSON, or JSON with single-quoted strings as Graph and Meta's docs take it."""

from __future__ import annotations

from typing import Any

import pytest

from wanumbers.server.surfaces.graph.params import parse_json, query_values


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('[{"field": "a"}]', [{"field": "a"}]),
        ("[{'field':'account_mode','value':['LIVE']}]", [{"field": "account_mode", "value": ["LIVE"]}]),
        ("['it\\'s']", ["it's"]),
        ("['say \"hi\"']", ['say "hi"']),
        ("[\"it's\", 'x']", ["it's", "x"]),
        ("['a\\nb']", ["a\nb"]),
        ("{'on': true, 'n': 1.5, 'none': null}", {"on": True, "n": 1.5, "none": None}),
    ],
)
def test_json_and_single_quoted_json_parse(text: str, expected: Any) -> None:
    assert parse_json(text) == expected


@pytest.mark.parametrize(
    "text",
    ["[None]", "(1, 2)", "['a' for _ in 'ab']", "{'a': 1,}", "['unterminated]", "[1] + [2]", "'a' 'b'"],
)
def test_python_literals_that_are_not_json_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_json(text)


def test_a_large_value_parses_in_one_pass() -> None:
    # ast.literal_eval took ~0.08 s of event-loop CPU on 64 KB; the rewrite is one regex pass.
    text = (
        "["
        + ",".join("{'field':'account_mode','operator':'EQUAL','value':'LIVE'}" for _ in range(1000))
        + "]"
    )
    assert len(parse_json(text)) == 1000


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (b"fields=id,status", []),
        (b"access_token=A&fields=id&access_token=B", ["A", "B"]),
        (b"access%5Ftoken=A", ["A"]),  # an escaped name is the same parameter to Graph
        (b"%61ccess_token=A&x=%20", ["A"]),
        (b"access_tokens=A", []),
    ],
)
def test_a_query_parameter_is_found_however_its_name_is_spelled(query: bytes, expected: list[str]) -> None:
    assert query_values(query, "access_token") == expected
