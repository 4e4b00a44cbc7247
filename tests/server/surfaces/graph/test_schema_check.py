"""The response-schema check itself: it must catch an answer that breaks Meta's schemas, pass one that
keeps them, and excuse only what the allowlist names."""

from __future__ import annotations

import orjson
import pytest

from tests.server.surfaces.graph.schema_check import (
    ALLOWLIST,
    ENVELOPE,
    OPERATIONS,
    PENDING,
    Answer,
    Spec,
    problems,
    shared_spec,
    spec_path,
)


@pytest.fixture(scope="module")
def spec() -> Spec:
    loaded = shared_spec()
    if loaded is None:
        pytest.skip(
            "Meta's OpenAPI file (shared/reference/meta-business-messaging-api_v23.0.yaml beside the "
            "repository, or WANUMBERS_META_OPENAPI) is missing: Graph answers are not validated"
        )
    return loaded


def _answer(operation: str, status: int, body: object) -> Answer:
    return Answer(operation, "POST", "/v23.0/1/x", status, orjson.dumps(body))


def test_the_file_is_found_beside_the_repository() -> None:
    path = spec_path()
    if path is None:
        pytest.skip("Meta's OpenAPI file is not beside this checkout")
    assert path.name == "meta-business-messaging-api_v23.0.yaml"


def test_every_operation_we_map_exists_in_the_file(spec: Spec) -> None:
    for path, method in OPERATIONS.values():
        assert method in spec.document["paths"][path]


def test_a_valid_answer_passes(spec: Spec) -> None:
    assert problems(spec, _answer("graph.register", 200, {"success": True})) == []
    error = {"error": {"message": "(#100) x", "type": "OAuthException", "code": 100, "fbtrace_id": "A"}}
    assert problems(spec, _answer("graph.register", 400, error)) == []


def test_a_broken_answer_is_caught(spec: Spec) -> None:
    assert problems(spec, _answer("graph.register", 200, {"ok": True})) == [
        "(root): 'success' is a required property"
    ]
    broken_error = {"error": {"message": "x", "code": "100"}}
    found = problems(spec, _answer("graph.register", 400, broken_error))
    assert (
        "error: 'type' is a required property" in found
        and "error/code: '100' is not of type 'integer'" in found
    )


def test_an_undocumented_status_is_caught_but_a_guard_status_is_an_envelope(spec: Spec) -> None:
    assert problems(spec, _answer("graph.get_settings", 404, {})) == [
        "status:404 is not documented for the operation"
    ]
    assert problems(spec, _answer("graph.get_settings", 413, {"error": {}})) == [
        "error: 'message' is a required property",
        "error: 'type' is a required property",
        "error: 'code' is a required property",
    ]


def test_a_path_no_route_served_must_still_be_graphs_envelope(spec: Spec) -> None:
    assert problems(spec, _answer(ENVELOPE, 404, {"detail": "Not Found"})) == [
        "(root): 'error' is a required property"
    ]


def test_the_allowlist_excuses_only_what_it_names(spec: Spec) -> None:
    node = {"id": "1", "code_verification_status": "NOT_VERIFIED", "quality_rating": "BLUE"}
    answer = Answer("graph.get_node", "GET", "/v23.0/1", 200, orjson.dumps(node))
    assert problems(spec, answer) == ["quality_rating: 'BLUE' is not one of ['GREEN', 'YELLOW', 'RED', 'NA']"]


def test_every_allowlist_entry_gives_its_reason() -> None:
    for entry in (*ALLOWLIST, *PENDING):
        assert entry.operation in OPERATIONS and len(entry.reason) > 20


def test_nullable_of_openapi_3_0_becomes_a_type_union(spec: Spec) -> None:
    item = {"id": "1", "display_phone_number": "+1", "status": "PENDING", "username": None}
    answer = Answer(
        "graph.list_numbers", "GET", "/v23.0/1/phone_numbers", 200, orjson.dumps({"data": [item]})
    )
    assert problems(spec, answer) == []
