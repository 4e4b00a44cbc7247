"""The ``fields`` parameter: Graph's sub-selection syntax, its order, and parses kept between requests."""

from __future__ import annotations

import pytest

from wanumbers.server.domain import waba_node
from wanumbers.server.domain.node import NODE_DEFAULT
from wanumbers.server.surfaces.graph import fields
from wanumbers.server.surfaces.graph.fields import FieldSpec, NonexistingField, parse


def test_sub_selections_split_on_commas_outside_braces_and_id_comes_last() -> None:
    specs = parse(" id, throughput{level} ,health_status{can_send_message,entities},status", NODE_DEFAULT)
    assert specs == (
        FieldSpec("throughput", ("level",)),
        FieldSpec("health_status", ("can_send_message", "entities")),
        FieldSpec("status"),
        FieldSpec("id"),
    )


def test_duplicates_keep_their_first_place_and_modifiers_do_not_apply_to_scalar_fields() -> None:
    assert parse("status,verified_name.limit(5),status", NODE_DEFAULT) == (
        FieldSpec("status"),
        FieldSpec("verified_name"),
        FieldSpec("id"),
    )


def test_no_fields_or_blank_fields_give_the_default() -> None:
    expected = tuple(FieldSpec(name) for name in (*NODE_DEFAULT[1:], "id"))
    assert parse(None, NODE_DEFAULT) == parse("  ", NODE_DEFAULT) == expected


def test_a_kept_parse_is_one_of_the_same_node_type_only() -> None:
    # "name" is a WABA's field and no number's: the parse kept for the WABA must not answer the number.
    waba_fields = tuple(waba_node.FIELDS)
    assert parse("name", waba_node.DEFAULT, waba_fields, waba_node.NODE_TYPE) == (
        FieldSpec("name"),
        FieldSpec("id"),
    )
    with pytest.raises(NonexistingField) as refused:
        parse("name", NODE_DEFAULT)
    assert (refused.value.name, refused.value.node_type) == ("name", "WhatsAppBusinessPhoneNumber")


def test_an_unknown_field_is_refused_every_time_it_is_asked_for() -> None:
    for _ in range(2):
        with pytest.raises(NonexistingField) as refused:
            parse("status,nope{a}", NODE_DEFAULT)
        assert refused.value.name == "nope"


@pytest.mark.parametrize(
    ("raw", "status_only"),
    [
        (None, True),  # the node's default fields
        ("", True),
        ("status, throughput{level},id", True),
        ("status,conversational_automation{prompts}", False),
        ("status,no_such_field", False),  # refused later, after the object: read whole until then
    ],
)
def test_a_fields_string_asks_for_status_fields_alone_only_when_it_names_no_other(
    raw: str | None, status_only: bool
) -> None:
    assert fields.asks_status_only(raw, NODE_DEFAULT) is status_only
