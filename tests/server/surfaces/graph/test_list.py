"""GET /{waba_id}/phone_numbers: fields, filtering, sort, limit and keyset cursor paging."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from starlette.datastructures import URL

from tests._sync import save, sync
from tests.server.surfaces.graph.conftest import Graph, assert_graph_error
from tests.server.surfaces.kaleyra.conftest import reading
from wanumbers.server.domain.lifecycle import AccountMode, MessagingTier
from wanumbers.server.domain.records import PhoneNumber
from wanumbers.server.services.runtime import Runtime


# Valid Indian mobiles, distinct per index.
def phone(i: int) -> str:
    return f"98765{i:05d}"


def seed(rt: Runtime, waba_id: int, count: int, *, onboard_every: int = 0) -> list[PhoneNumber]:
    """``count`` numbers straight into the store, one second apart; every ``onboard_every``-th is
    onboarded (the rest never were, so have no last_onboarded_time)."""
    base = rt.clock.now()
    made = []

    async def insert() -> None:
        async with rt.uow(write=True) as uow:
            for i in range(count):
                number = PhoneNumber(
                    id=rt.ids.numeric(15),
                    waba_id=waba_id,
                    e164=f"+91{phone(i)}",
                    country_code="IN",
                    dial_code="91",
                    verified_name=f"Shop {i}",
                )
                await uow.numbers.add(number, base + timedelta(seconds=i))
                if onboard_every and i % onboard_every == 0:
                    # Onboarding order is the reverse of creation order, so the two sorts differ.
                    number.last_onboarded_at = base + timedelta(hours=1, seconds=count - i)
                    await uow.numbers.save(number)
                made.append(number)
            await uow.commit()

    sync(insert())
    return made


def edge(graph: Graph, **params: Any) -> Any:
    response = graph.get(f"/{graph.tenant.waba_id}/phone_numbers", **params)
    assert response.status_code == 200, response.text
    return response.json()


def walk(graph: Graph, **params: Any) -> list[str]:
    """Follow ``next`` links to the end; returns ids in order."""
    ids: list[str] = []
    body = edge(graph, **params)
    while True:
        ids += [item["id"] for item in body["data"]]
        link = body.get("paging", {}).get("next")
        if not link:
            return ids
        query = {k: v[0] for k, v in parse_qs(urlsplit(link).query).items()}
        body = edge(graph, **query)


def test_empty_edge(graph: Graph) -> None:
    assert edge(graph) == {"data": []}


def test_default_fields_include_what_openapi_requires(graph: Graph) -> None:
    number_id = graph.create()
    item = edge(graph)["data"][0]
    assert item == {
        "display_phone_number": "+91 98765 43210",
        "verified_name": "Acme Foods",
        "quality_rating": "NA",
        "code_verification_status": "NOT_VERIFIED",
        "status": "PENDING",
        "id": number_id,
    }


def test_fields_param_applies_to_items(graph: Graph) -> None:
    number_id = graph.create()
    assert edge(graph, fields="throughput")["data"] == [
        {"throughput": {"level": "NOT_APPLICABLE"}, "id": number_id}
    ]


def test_unknown_field_fails(graph: Graph) -> None:
    response = graph.get(f"/{graph.tenant.waba_id}/phone_numbers", fields="nope")
    assert_graph_error(response, 400, 100)


def test_creation_sort_both_ways(graph: Graph) -> None:
    made = seed(graph.rt, graph.tenant.waba_id, 7)
    ids = [str(n.id) for n in made]
    assert walk(graph, sort="creation_time.asc", limit=3) == ids
    assert walk(graph, sort="creation_time.desc", limit=3) == ids[::-1]


def test_default_sort_is_last_onboarded_desc_with_never_onboarded_last(graph: Graph) -> None:
    made = seed(graph.rt, graph.tenant.waba_id, 9, onboard_every=2)
    onboarded = [n for n in made if n.last_onboarded_at]
    never = [n for n in made if not n.last_onboarded_at]
    by_time = sorted(onboarded, key=lambda n: n.last_onboarded_at or 0, reverse=True)
    expected = [str(n.id) for n in by_time] + [
        str(n.id) for n in sorted(never, key=lambda n: n.id, reverse=True)
    ]
    assert walk(graph, limit=2) == expected
    asc = [str(n.id) for n in reversed(by_time)] + [str(n.id) for n in sorted(never, key=lambda n: n.id)]
    assert walk(graph, sort="last_onboarded_time.asc", limit=4) == asc


@pytest.mark.parametrize("sort", ["creation_time.asc", "last_onboarded_time.desc"])
def test_before_cursor_walks_back(graph: Graph, sort: str) -> None:
    seed(graph.rt, graph.tenant.waba_id, 10, onboard_every=3)
    everything = walk(graph, sort=sort, limit=100)
    first = edge(graph, sort=sort, limit=4)
    assert "previous" not in first["paging"]
    second = edge(graph, sort=sort, limit=4, after=first["paging"]["cursors"]["after"])
    third = edge(graph, sort=sort, limit=4, after=second["paging"]["cursors"]["after"])
    assert [i["id"] for i in third["data"]] == everything[8:]
    assert "next" not in third["paging"] and "previous" in third["paging"]
    back = edge(graph, sort=sort, limit=4, before=third["paging"]["cursors"]["before"])
    assert [i["id"] for i in back["data"]] == everything[4:8]
    assert "next" in back["paging"] and "previous" in back["paging"]
    start = edge(graph, sort=sort, limit=4, before=back["paging"]["cursors"]["before"])
    assert [i["id"] for i in start["data"]] == everything[:4]
    assert "previous" not in start["paging"]


def test_paging_shape(graph: Graph) -> None:
    seed(graph.rt, graph.tenant.waba_id, 3)
    body = edge(graph, limit=2, fields="id")
    paging = body["paging"]
    assert set(paging["cursors"]) == {"before", "after"}
    query = parse_qs(urlsplit(paging["next"]).query)
    assert query["after"] == [paging["cursors"]["after"]]
    assert query["limit"] == ["2"] and query["fields"] == ["id"]


@pytest.mark.parametrize(
    "query",
    [
        "limit=2",
        "limit=2&fields=id,status&sort=creation_time.asc",  # a comma is percent-encoded in the links
        "fields=id&limit=2&fields=status&flag=&after=&before=",  # repeats, blanks and empty cursors
        "limit=2&note=a%20b%2Bc+d&%C3%A9t%C3%A9=%E2%9C%93",  # encoded spaces, plus signs, UTF-8
    ],
)
def test_paging_links_are_the_request_url_with_its_cursor_swapped(graph: Graph, query: str) -> None:
    seed(graph.rt, graph.tenant.waba_id, 6)
    path = f"/v23.0/{graph.tenant.waba_id}/phone_numbers"
    first = graph.client.get(f"{path}?{query}", headers=graph.headers).json()
    after = first["paging"]["cursors"]["after"]
    middle = graph.client.get(f"{path}?{query}&after={after}", headers=graph.headers).json()

    # What Starlette's remove_query_params + include_query_params made of the same URL.
    url = URL(f"http://testserver{path}?{query}&after={after}").remove_query_params(["after", "before"])
    cursors = middle["paging"]["cursors"]
    assert middle["paging"]["next"] == str(url.include_query_params(after=cursors["after"]))
    assert middle["paging"]["previous"] == str(url.include_query_params(before=cursors["before"]))
    assert middle["paging"]["next"].count("after=") == 1


def test_limit_default_25(graph: Graph) -> None:
    seed(graph.rt, graph.tenant.waba_id, 30)
    assert len(edge(graph)["data"]) == 25


@pytest.mark.parametrize("limit", ["0", "101", "abc", "-1"])
def test_limit_out_of_range(graph: Graph, limit: str) -> None:
    response = graph.get(f"/{graph.tenant.waba_id}/phone_numbers", limit=limit)
    assert_graph_error(response, 400, 100)


@pytest.mark.parametrize("params", [{"sort": "name.asc"}, {"after": "garbage!"}, {"before": "bm9wZQ"}])
def test_bad_sort_or_cursor(graph: Graph, params: dict[str, str]) -> None:
    assert_graph_error(graph.get(f"/{graph.tenant.waba_id}/phone_numbers", **params), 400, 100)


def test_cursor_of_another_sort_is_refused(graph: Graph) -> None:
    seed(graph.rt, graph.tenant.waba_id, 3)
    cursor = edge(graph, sort="creation_time.asc", limit=1)["paging"]["cursors"]["after"]
    response = graph.get(f"/{graph.tenant.waba_id}/phone_numbers", sort="creation_time.desc", after=cursor)
    assert_graph_error(response, 400, 100)


def _mark(rt: Runtime, number: PhoneNumber, **changes: Any) -> None:
    for key, value in changes.items():
        setattr(number, key, value)
    sync(save(rt, number))


@pytest.fixture
def varied(graph: Graph) -> list[PhoneNumber]:
    made = seed(graph.rt, graph.tenant.waba_id, 4)
    _mark(graph.rt, made[0], account_mode=AccountMode.SANDBOX)
    _mark(graph.rt, made[1], tier=MessagingTier.TIER_1K, is_official_business_account=True)
    _mark(graph.rt, made[2], tier=MessagingTier.TIER_10K)
    return made


@pytest.mark.parametrize(
    ("filtering", "expected"),
    [
        ('[{"field":"account_mode","operator":"EQUAL","value":"SANDBOX"}]', [0]),
        ("[{'field':'account_mode','operator':'EQUAL','value':'SANDBOX'}]", [0]),  # Meta's own quoting
        ('[{"field":"account_mode","operator":"NOT_EQUAL","value":"SANDBOX"}]', [1, 2, 3]),
        ('[{"field":"messaging_limit_tier","operator":"IN","value":["TIER_1K","TIER_10K"]}]', [1, 2]),
        ('[{"field":"messaging_limit_tier","operator":"NOT_IN","value":["TIER_250"]}]', [1, 2]),
        ('[{"field":"is_official_business_account","operator":"EQUAL","value":true}]', [1]),
        ('[{"field":"is_official_business_account","operator":"EQUAL","value":"false"}]', [0, 2, 3]),
        (
            '[{"field":"is_official_business_account","operator":"EQUAL","value":false},'
            '{"field":"messaging_limit_tier","operator":"EQUAL","value":"TIER_250"}]',
            [0, 3],
        ),
    ],
)
def test_filtering(graph: Graph, varied: list[PhoneNumber], filtering: str, expected: list[int]) -> None:
    ids = walk(graph, filtering=filtering, sort="creation_time.asc", limit=1)
    assert ids == [str(varied[i].id) for i in expected]


@pytest.mark.parametrize(
    "filtering",
    [
        '[{"field":"status","operator":"EQUAL","value":"CONNECTED"}]',
        '[{"field":"account_mode","operator":"LIKE","value":"LIVE"}]',
        '[{"field":"account_mode","operator":"EQUAL","value":"PROD"}]',
        '[{"field":"account_mode","operator":"EQUAL","value":["LIVE","SANDBOX"]}]',
        '[{"field":["account_mode"],"operator":"EQUAL","value":"LIVE"}]',
        '[{"field":{"name":"account_mode"},"operator":"EQUAL","value":"LIVE"}]',
        '[{"field":"account_mode","operator":"IN","value":[]}]',
        "[1, 2]",
        "not json at all [",
    ],
)
def test_bad_filtering(graph: Graph, filtering: str) -> None:
    response = graph.get(f"/{graph.tenant.waba_id}/phone_numbers", filtering=filtering)
    assert_graph_error(response, 400, 100)


def test_an_empty_membership_filter_says_it_needs_a_value(graph: Graph) -> None:
    filtering = '[{"field":"account_mode","operator":"NOT_IN","value":[]}]'
    response = graph.get(f"/{graph.tenant.waba_id}/phone_numbers", filtering=filtering)
    error = assert_graph_error(response, 400, 100)
    assert error["message"] == "(#100) filtering: NOT_IN takes at least one value"


def test_foreign_waba_is_100_33(graph: Graph, rival: Graph) -> None:
    response = graph.get(f"/{rival.tenant.waba_id}/phone_numbers")
    error = assert_graph_error(response, 400, 100, 33)
    assert f"'{rival.tenant.waba_id}'" in error["message"]


def test_only_the_wabas_numbers_are_listed(graph: Graph, rival: Graph) -> None:
    rival.create(phone="9876500001")
    mine = graph.create()
    assert [item["id"] for item in edge(graph)["data"]] == [mine]


def test_filtering_as_json_body_list_is_accepted(graph: Graph, varied: list[PhoneNumber]) -> None:
    raw = json.dumps([{"field": "account_mode", "operator": "EQUAL", "value": "SANDBOX"}])
    assert walk(graph, filtering=raw) == [str(varied[0].id)]


def test_a_cursor_whose_id_is_past_the_stores_range_is_refused(graph: Graph) -> None:
    # A hand-made cursor with an id beyond a signed 64-bit integer overflowed in the query (500).
    raw = json.dumps(["creation_time.asc", None, 2**64]).encode()
    cursor = base64.urlsafe_b64encode(raw).decode().rstrip("=")
    response = graph.get(f"/{graph.tenant.waba_id}/phone_numbers", sort="creation_time.asc", after=cursor)
    assert_graph_error(response, 400, 100)


@pytest.mark.parametrize(
    "filtering",
    [
        "not json at all [",
        "[{'field': 'account_mode',}",
        # Python literals that are not JSON: ast.literal_eval took these, Graph does not.
        "[{'field': 'account_mode', 'operator': 'EQUAL', 'value': None}]",
        "({'field': 'account_mode', 'operator': 'EQUAL', 'value': 'LIVE'},)",
        "[{'field': 'account_mode', 'operator': 'EQUAL', 'value': 'LIVE'} for _ in 'ab']",
    ],
)
def test_filtering_that_is_not_json_gets_graphs_message(graph: Graph, filtering: str) -> None:
    response = graph.get(f"/{graph.tenant.waba_id}/phone_numbers", filtering=filtering)
    error = assert_graph_error(response, 400, 100)
    assert error["message"] == "(#100) param filtering must be an array."


def test_a_single_filter_object_is_not_an_array(graph: Graph) -> None:
    filtering = '{"field":"account_mode","operator":"EQUAL","value":"SANDBOX"}'
    response = graph.get(f"/{graph.tenant.waba_id}/phone_numbers", filtering=filtering)
    error = assert_graph_error(response, 400, 100)
    assert error["message"] == "(#100) param filtering must be an array."


@pytest.mark.parametrize("also", ["", ",conversational_automation"])
def test_a_page_renders_profile_fields_beside_status_fields(graph: Graph, also: str) -> None:
    # A page asking only for status fields maps only those columns; one more field maps them all.
    number_id = graph.create()
    body = {"enable_welcome_message": True, "prompts": ["Book a table"]}
    assert graph.post(f"/{number_id}/conversational_automation", body).json() == {"success": True}
    item = edge(graph, fields="status,quality_rating" + also)["data"][0]
    assert (item["status"], item["quality_rating"]) == ("PENDING", "NA")
    if also:
        automation = item["conversational_automation"]
        assert (automation["enable_welcome_message"], automation["prompts"]) == (True, ["Book a table"])
    else:
        assert set(item) == {"status", "quality_rating", "id"}


def test_a_page_reads_the_credential_with_its_waba_then_the_page_alone(
    graph: Graph, runtime: Runtime
) -> None:
    # The credential statement finds the WABA as the account's (it was read again before); a page
    # without a cursor starts the walk (nothing lies behind it), and a page after one reads the
    # cursor's own row with it (that row lies behind it): neither probes behind (one statement more).
    seed(runtime, graph.tenant.waba_id, 30, onboard_every=1)
    seen: list[str] = []
    runtime.store.before_statement = seen.append
    try:
        first = edge(graph, limit=10)
        on_first, seen[:] = list(seen), []
        second = edge(graph, limit=10, after=first["paging"]["cursors"]["after"])
        on_second = list(seen)
    finally:
        runtime.store.before_statement = None
    assert "previous" not in first["paging"] and "previous" in second["paging"]
    assert len(first["data"]) == len(second["data"]) == 10
    assert len(reading(on_first, "phone_numbers")) == 1  # the page
    assert len(reading(on_second, "phone_numbers")) == 1  # the page, from the cursor's own row on
    assert reading(on_first, "wabas") == reading(on_second, "wabas") == []


def _cursor_row(graph: Graph, made: list[PhoneNumber], limit: int) -> tuple[dict[str, Any], PhoneNumber]:
    """Page 1, and the number its ``after`` cursor names (the page's last)."""
    first = edge(graph, limit=limit)
    last = next(n for n in made if str(n.id) == first["data"][-1]["id"])
    return first, last


def test_a_page_after_a_cursor_whose_row_is_gone_lists_what_follows_and_knows_what_lies_behind(
    graph: Graph, runtime: Runtime
) -> None:
    made = seed(runtime, graph.tenant.waba_id, 12, onboard_every=1)
    first, gone = _cursor_row(graph, made, 4)

    async def delete() -> None:
        async with runtime.uow(write=True) as uow:
            await uow.numbers.delete(gone.id)
            await uow.commit()

    sync(delete())
    second = edge(graph, limit=4, after=first["paging"]["cursors"]["after"])
    everything = walk(graph, limit=20)
    assert [item["id"] for item in second["data"]] == everything[3:7]
    assert "previous" in second["paging"] and "next" in second["paging"]


def test_a_page_after_a_cursor_whose_row_moved_just_past_it_lists_that_row(
    graph: Graph, runtime: Runtime
) -> None:
    # Newest onboarding first: the cursor's row, onboarded a moment earlier than it was, now sorts
    # just after the cursor (before the next row): it is on the next page, not taken for the cursor.
    made = seed(runtime, graph.tenant.waba_id, 12, onboard_every=1)
    first, moved = _cursor_row(graph, made, 4)
    assert moved.last_onboarded_at is not None
    moved.last_onboarded_at -= timedelta(milliseconds=1)
    sync(save(runtime, moved))
    second = edge(graph, limit=4, after=first["paging"]["cursors"]["after"])
    assert second["data"][0]["id"] == str(moved.id)
    assert "previous" in second["paging"]


def _without_offset(cursor: str) -> str:
    """The same cursor with its key written without a UTC offset (as cursors of older builds were)."""
    sort, key, row_id = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    naive = key.removesuffix("+00:00")
    assert naive != key
    return base64.urlsafe_b64encode(json.dumps([sort, naive, row_id]).encode()).decode().rstrip("=")


@pytest.mark.parametrize("direction", ["after", "before"])
def test_a_cursor_whose_key_has_no_offset_pages_as_the_same_cursor_with_one(
    graph: Graph, runtime: Runtime, direction: str
) -> None:
    seed(runtime, graph.tenant.waba_id, 6)
    middle = edge(
        graph,
        sort="creation_time.asc",
        limit=2,
        after=edge(graph, sort="creation_time.asc", limit=2)["paging"]["cursors"]["after"],
    )
    cursor = middle["paging"]["cursors"][direction]
    aware = edge(graph, sort="creation_time.asc", limit=2, **{direction: cursor})
    naive = edge(graph, sort="creation_time.asc", limit=2, **{direction: _without_offset(cursor)})
    assert naive == aware  # the same rows, cursors and links
