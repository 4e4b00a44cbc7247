"""The number page's timeline over HTTP (both stores): a control's change shows at once with its
deliveries, the older pages by keyset, malformed links refused, an API key on its own numbers only."""

from __future__ import annotations

import re

import pytest
from starlette.testclient import TestClient

from tests._sync import sync
from tests.conftest import Tenant
from tests.server.events.receiver import ScriptedReceiver
from tests.server.surfaces.console.test_console import (
    add_number,
    banned_and_delivered,
    connect,
    csrf_of,
    sign_in,
)
from wanumbers.server.services import events, sim
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.surfaces.console import pages

ROW = re.compile(r'<tr(?: id="event-\d+")?>\s*<td data-label="When">.*?</tr>', re.S)


def rows(html: str) -> list[str]:
    return ROW.findall(html)


def test_approving_the_name_shows_in_the_timeline_with_the_number_s_milestones(
    client: TestClient, runtime: Runtime, tenant: Tenant, admin_token: str
) -> None:
    added = add_number(client, tenant)
    connect(client, tenant, added, sync(sim.outbox(runtime, added.e164))[0].code)
    sign_in(client, admin_token)
    page = client.get(f"/console/numbers/{added.id}")
    assert '<h2 id="timeline-h">Timeline</h2>' in page.text
    done = client.post(
        f"/console/numbers/{added.id}/name", data={"csrf": csrf_of(page), "status": "APPROVED"}
    )
    assert done.status_code == 200
    shown = rows(done.text)
    assert "Display name approved: ACME" in shown[0] and "phone_number_name_update" in shown[0]
    assert "none (no receiver)" in shown[0]
    assert [next(w for w in WORDS if w in row) for row in shown[1:]] == WORDS[1:]
    (event,) = [e for e in sync(events.emitted(runtime)) if e.change.field == "phone_number_name_update"]
    assert f'id="event-{event.id}"' in shown[0] and " UTC</time>" in shown[0]


WORDS = [
    "Display name approved",
    "Onboarded: messaging limit TIER_250",
    "Registered",
    "Verification code requested (SMS, en_US)",
    "Number added",
]


def test_deliveries_are_counted_and_linked_for_the_admin_counted_only_for_the_tenant(
    client: TestClient, runtime: Runtime, tenant: Tenant, admin_token: str, hook: ScriptedReceiver
) -> None:
    delivery_id = banned_and_delivered(client, runtime, tenant, hook)
    number_id = sync(events.delivery(runtime, delivery_id)).change.number_id  # type: ignore[union-attr]
    sign_in(client, admin_token)
    banned = rows(client.get(f"/console/numbers/{number_id}").text)[0]
    assert "Banned" in banned and '1 <span class="badge b-delivered">delivered</span>' in banned
    assert f'<a href="/console/deliveries/{delivery_id}">#{delivery_id}</a>' in banned and "meta" in banned
    sign_in(client, tenant.api_key)
    seen = rows(client.get(f"/console/numbers/{number_id}").text)[0]
    assert "Banned" in seen and "b-delivered" in seen and "/console/deliveries" not in seen


def test_older_entries_are_a_keyset_link_and_a_bad_one_is_a_400(
    client: TestClient, runtime: Runtime, tenant: Tenant, admin_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "TIMELINE_SIZE", 2)
    added = add_number(client, tenant)  # added and its code requested: two entries
    sync(sim.review_name(runtime, added.e164, "APPROVED"))
    sign_in(client, admin_token)
    first = client.get(f"/console/numbers/{added.id}").text
    assert "Display name approved" in rows(first)[0] and len(rows(first)) == 2
    link = re.search(
        r'<a href="(/console/numbers/\d+\?older=[^"#]+)#timeline-h" rel="next">Older entries', first
    )
    assert link and "Newest entries" not in first
    second = client.get(link.group(1)).text
    assert [("Number added" in row) for row in rows(second)] == [True]
    assert "Older entries" not in second and "Newest entries" in second
    for bad in ("x", "W10", pages.encode_older(pages.Cursor(2**40)), "WzEsWzEsOSwxXV0"):
        refused = client.get(f"/console/numbers/{added.id}", params={"older": bad})
        assert refused.status_code == 400 and "That timeline link is not valid" in refused.text


def test_a_tenant_gets_no_timeline_of_another_s_number(
    client: TestClient, tenant: Tenant, other_tenant: Tenant
) -> None:
    added = add_number(client, tenant)
    sign_in(client, other_tenant.api_key)
    refused = client.get(f"/console/numbers/{added.id}")
    assert (
        refused.status_code == 404 and "Timeline" not in refused.text and "Number added" not in refused.text
    )
