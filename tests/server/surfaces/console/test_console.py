"""The console over HTTP (Starlette's test client, both stores): sign-in and its cookie, CSRF on every
form, the same isolation as the APIs, the emulator's controls doing what ``/sim`` does, the webhook
deliveries page (a real loopback receiver) and its replay, and the console off where the control plane is."""

from __future__ import annotations

import re
from dataclasses import dataclass

import httpx
import pytest
from starlette.testclient import TestClient

from tests._sync import stored_number, sync
from tests.conftest import Tenant
from tests.server.events.receiver import ScriptedReceiver
from tests.server.events.test_delivery_e2e import connected
from tests.server.events.test_subscriptions import app_token, subscribe_app
from wanumbers.server.app import create_app
from wanumbers.server.domain.delivery import Status
from wanumbers.server.services import admin, apps, events, sim
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import Settings
from wanumbers.server.surfaces.console import pages, session
from wanumbers.server.surfaces.console.routes import enabled

CSRF = re.compile(r'name="csrf" value="([^"]+)"')
E164 = "+919876543210"


def csrf_of(response: httpx.Response) -> str:
    found = CSRF.search(response.text)
    assert found, response.text[:500]
    return found.group(1)


def sign_in(client: TestClient, secret: str) -> httpx.Response:
    form = client.get("/console/sign-in")
    return client.post(
        "/console/sign-in", data={"csrf": csrf_of(form), "secret": secret}, follow_redirects=False
    )


@dataclass
class Added:
    id: str
    e164: str


def add_number(client: TestClient, tenant: Tenant, national: str = "9876543210", name: str = "ACME") -> Added:
    body = {"phone_number": national, "name": name, "verification_type": "SMS", "country_code": "+91"}
    response = client.post(tenant.path("add"), headers=tenant.headers, json=body)
    assert response.status_code == 200, response.text
    return Added(response.json()["data"], "+91" + national)


def connect(client: TestClient, tenant: Tenant, added: Added, otp: str) -> None:
    body = {"id": added.id, "phone_number": added.e164, "otp": otp}
    response = client.post(tenant.path("verify"), headers=tenant.headers, json=body)
    assert response.status_code == 200, response.text


# --- sign-in and the session -----------------------------------------------------------------------


def test_sign_in_sets_a_strict_http_only_cookie_holding_no_secret(
    client: TestClient, admin_token: str
) -> None:
    response = sign_in(client, admin_token)
    assert response.status_code == 303 and response.headers["location"] == "/console/fleet"
    cookie = next(c for c in response.headers.get_list("set-cookie") if c.startswith(session.COOKIE + "="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # plain HTTP here; over TLS see the next test
    assert admin_token not in cookie and admin_token[4:20] not in cookie
    page = client.get("/console/fleet")
    assert page.status_code == 200 and "Signed in as admin" in page.text
    assert admin_token not in page.text
    assert page.headers["cache-control"] == "no-store"
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]


def test_the_live_refresh_script_is_ours_and_the_only_script_allowed(
    client: TestClient, admin_token: str
) -> None:
    sign_in(client, admin_token)
    page = client.get("/console/deliveries")
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert '<script src="/console/static/console.js" defer></script>' in page.text
    assert 'id="deliveries-live" data-refresh="3"' in page.text
    script = client.get("/console/static/console.js")
    assert script.status_code == 200 and script.headers["content-type"].startswith("text/javascript")
    assert "data-refresh" in script.text and "http" not in script.text.replace("HTTP ", "")


def test_the_cookie_is_secure_over_tls(runtime: Runtime, database_url: str, admin_token: str) -> None:
    app = create_app(Settings(database_url=database_url), runtime=runtime)
    with TestClient(app, base_url="https://127.0.0.1") as tls:
        response = sign_in(tls, admin_token)
    cookies = response.headers.get_list("set-cookie")
    assert all("; Secure" in cookie for cookie in cookies)


@pytest.mark.parametrize("secret", ["", "wna_nope", "wnk_nope", "anything"])
def test_a_wrong_secret_signs_nobody_in(client: TestClient, secret: str) -> None:
    response = sign_in(client, secret)
    assert response.status_code == 401
    assert "Incorrect admin token or API key." in response.text
    assert not any(c.startswith(session.COOKIE + "=") for c in response.headers.get_list("set-cookie"))


def test_sign_in_without_its_csrf_token_is_refused(client: TestClient, admin_token: str) -> None:
    client.get("/console/sign-in")
    response = client.post("/console/sign-in", data={"secret": admin_token}, follow_redirects=False)
    assert response.status_code == 403
    forged = client.post(
        "/console/sign-in", data={"secret": admin_token, "csrf": "x" * 43}, follow_redirects=False
    )
    assert forged.status_code == 403


def test_without_a_session_pages_send_to_sign_in(client: TestClient) -> None:
    response = client.get("/console/fleet", follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/console/sign-in"
    assert client.get("/console/", follow_redirects=True).url.path == "/console/sign-in"
    assert client.post("/console/emulator/reset", data={"confirm": "on"}).status_code == 401


def test_an_altered_cookie_is_no_session(client: TestClient, admin_token: str) -> None:
    sign_in(client, admin_token)
    value = client.cookies[session.COOKIE]
    payload, mac = value.split(".")
    altered = mac[:-2] + ("AA" if mac[-2:] != "AA" else "BA")  # always another MAC (it ended in AA once)
    client.cookies.set(session.COOKIE, payload + "." + altered, path="/console")
    assert client.get("/console/fleet", follow_redirects=False).status_code == 303


def test_revoking_the_key_ends_the_session_at_once(
    client: TestClient, runtime: Runtime, tenant: Tenant
) -> None:
    sign_in(client, tenant.api_key)
    assert client.get("/console/fleet").status_code == 200
    assert sync(admin.revoke_secret(runtime, "api_key", tenant.api_key))
    assert client.get("/console/fleet", follow_redirects=False).status_code == 303


def test_sign_out_needs_its_csrf_token_and_ends_the_session(client: TestClient, admin_token: str) -> None:
    sign_in(client, admin_token)
    fleet = client.get("/console/fleet")
    assert client.post("/console/sign-out", data={}).status_code == 403
    out = client.post("/console/sign-out", data={"csrf": csrf_of(fleet)}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/console/fleet", follow_redirects=False).status_code == 303


def test_session_tokens_expire() -> None:
    key = b"k" * 32
    cookie, _ = session.issue(key, "admin", "d", now=1000.0)
    assert session.read(key, cookie, now=1000.0 + session.LIFETIME - 1) is not None
    assert session.read(key, cookie, now=1000.0 + session.LIFETIME) is None
    assert session.read(b"x" * 32, cookie, now=1000.0) is None
    assert session.read(key, cookie + "x", now=1000.0) is None


# --- isolation -------------------------------------------------------------------------------------


def test_an_api_key_sees_its_own_numbers_only(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, admin_token: str
) -> None:
    ours = add_number(client, tenant, "9876543210", "OURS")
    theirs = add_number(client, other_tenant, "9876543211", "THEIRS")
    sign_in(client, tenant.api_key)
    fleet = client.get("/console/fleet")
    assert ours.e164 in fleet.text and theirs.e164 not in fleet.text and "THEIRS" not in fleet.text
    assert tenant.api_key not in fleet.text
    assert theirs.e164 not in client.get("/console/fleet", params={"q": "+91987654321"}).text
    assert client.get(f"/console/numbers/{theirs.id}").status_code == 404
    assert client.get(f"/console/numbers/{ours.id}").status_code == 200
    # the emulator's controls are the admin's, as /sim is
    assert client.get("/console/emulator").status_code == 403
    page = client.get(f"/console/numbers/{ours.id}")
    assert "Emulator controls" not in page.text
    refused = client.post(f"/console/numbers/{theirs.id}/ban", data={"csrf": csrf_of(page)})
    assert refused.status_code == 403
    assert stored_number(client.app.state.runtime, theirs.id).state.value == "UNVERIFIED"
    # the admin sees both
    sign_in(client, admin_token)
    fleet = client.get("/console/fleet")
    assert ours.e164 in fleet.text and theirs.e164 in fleet.text


def test_a_tenant_reads_the_otp_of_its_own_number_only(
    client: TestClient, tenant: Tenant, other_tenant: Tenant, runtime: Runtime
) -> None:
    ours = add_number(client, tenant, "9876543210")
    theirs = add_number(client, other_tenant, "9876543211")
    codes = {d.to: d.code for d in sync(sim.outbox(runtime))}
    sign_in(client, tenant.api_key)
    page = client.get(f"/console/numbers/{ours.id}")
    assert codes[ours.e164] in page.text
    assert codes[theirs.e164] not in page.text


# --- the fleet -------------------------------------------------------------------------------------


def test_fleet_filters_sorts_and_pages(
    client: TestClient, tenant: Tenant, admin_token: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    added = [add_number(client, tenant, f"987654321{i}", f"N{i}") for i in range(5)]
    sign_in(client, admin_token)
    seen: list[str] = []
    url = "/console/fleet?sort=number&order=desc"
    while url:
        page = client.get(url)
        assert page.status_code == 200
        seen += re.findall(r'<a href="/console/numbers/\d+">(\+\d+)</a>', page.text)
        found = re.search(r'<a href="([^"]+)" rel="next">', page.text)
        url = found.group(1).replace("&amp;", "&") if found else ""
    assert seen == sorted((a.e164 for a in added), reverse=True)
    counts = client.get("/console/fleet").text
    assert re.search(r"UNVERIFIED</span> <span class=\"count\">5</span>", counts)
    limited = client.get("/console/fleet", params={"health": "LIMITED"})
    assert "No number matches." in limited.text
    blocked = client.get("/console/fleet", params={"health": "BLOCKED", "q": "N3"})
    assert added[3].e164 in blocked.text and added[2].e164 not in blocked.text
    assert "Phone number not registered on the WhatsApp Business Platform" in blocked.text


@pytest.mark.parametrize(
    "query",
    ["state=LIVE", "health=GREEN", "sort=secret", "order=up", "after=%%%", "before=WzEsMl0"],
)
def test_bad_fleet_parameters_answer_a_clear_400(client: TestClient, admin_token: str, query: str) -> None:
    sign_in(client, admin_token)
    response = client.get("/console/fleet?" + query)
    assert response.status_code == 400
    assert "Error:" in response.text


# --- one number and the emulator's controls --------------------------------------------------------


def test_approving_the_name_clears_limited_in_both_contracts(
    client: TestClient, tenant: Tenant, admin_token: str, runtime: Runtime
) -> None:
    added = add_number(client, tenant)
    connect(client, tenant, added, sync(sim.outbox(runtime, added.e164))[0].code)
    sign_in(client, admin_token)
    page = client.get(f"/console/numbers/{added.id}")
    assert "LIMITED" in page.text
    assert "Your display name has not been approved yet." in page.text
    # without the form's token nothing changes
    assert client.post(f"/console/numbers/{added.id}/name", data={"status": "APPROVED"}).status_code == 403
    assert stored_number(runtime, added.id).name_status.value == "PENDING_REVIEW"
    done = client.post(
        f"/console/numbers/{added.id}/name", data={"csrf": csrf_of(page), "status": "APPROVED"}
    )
    assert done.status_code == 200 and "Name review recorded." in done.text
    assert 'id="health"><span class="badge b-available">AVAILABLE</span>' in done.text
    details = client.get(
        f"/v2/{tenant.sid}/whatsapp/{added.e164.lstrip('+')}/phone_number_details", headers=tenant.headers
    ).json()
    assert details["name_status"] == "APPROVED"
    assert details["health_status"]["can_send_message"] == "AVAILABLE"


@pytest.mark.parametrize(
    ("action", "form", "check"),
    [
        ("quality", {"rating": "RED"}, lambda n: n.quality.value == "RED"),
        ("tier", {"tier": "TIER_10K"}, lambda n: n.tier.value == "TIER_10K"),
        ("throughput", {"level": "HIGH"}, lambda n: n.throughput.value == "HIGH"),
        ("account_mode", {"mode": "SANDBOX"}, lambda n: n.account_mode.value == "SANDBOX"),
        ("sip", {"sip_enabled": "on"}, lambda n: n.sip_enabled and not n.sip_server_configured),
    ],
)
def test_each_control_changes_the_number(
    client: TestClient,
    tenant: Tenant,
    admin_token: str,
    runtime: Runtime,
    action: str,
    form: dict[str, str],
    check: object,
) -> None:
    added = add_number(client, tenant)
    sign_in(client, admin_token)
    page = client.get(f"/console/numbers/{added.id}")
    done = client.post(f"/console/numbers/{added.id}/{action}", data={"csrf": csrf_of(page), **form})
    assert done.status_code == 200 and "Done:" in done.text
    assert check(stored_number(runtime, added.id))  # type: ignore[operator]


def test_an_illegal_enforcement_is_a_409_page_that_changes_nothing(
    client: TestClient, tenant: Tenant, admin_token: str, runtime: Runtime
) -> None:
    added = add_number(client, tenant)
    sign_in(client, admin_token)
    page = client.get(f"/console/numbers/{added.id}")
    response = client.post(f"/console/numbers/{added.id}/restore", data={"csrf": csrf_of(page)})
    assert response.status_code == 409 and "Error:" in response.text
    assert stored_number(runtime, added.id).state.value == "UNVERIFIED"
    bad = client.post(f"/console/numbers/{added.id}/quality", data={"csrf": csrf_of(page), "rating": "PINK"})
    assert bad.status_code == 400 and "rating" in bad.text


def test_emulator_page_clock_faults_and_reset(
    client: TestClient, tenant: Tenant, admin_token: str, runtime: Runtime
) -> None:
    added = add_number(client, tenant)
    sign_in(client, admin_token)
    page = client.get("/console/emulator")
    token = csrf_of(page)
    code = sync(sim.outbox(runtime))[0].code
    assert code in page.text
    advanced = client.post("/console/emulator/advance-clock", data={"csrf": token, "advance_seconds": "600"})
    assert "(600 s ahead of real time)" in advanced.text
    assert (
        client.post(
            "/console/emulator/advance-clock", data={"csrf": token, "advance_seconds": "x"}
        ).status_code
        == 400
    )
    armed = client.post(
        "/console/emulator/add-fault", data={"csrf": token, "route": "kaleyra.details", "count": "2"}
    )
    assert "<code>kaleyra.details</code>" in armed.text
    assert "console_" not in armed.text  # the console's own routes are no fault targets
    cleared = client.post("/console/emulator/clear-faults", data={"csrf": token})
    assert "No fault is armed." in cleared.text
    assert client.post("/console/emulator/reset", data={"csrf": token}).status_code == 400
    reset = client.post("/console/emulator/reset", data={"csrf": token, "confirm": "on"})
    assert "Emulator reset." in reset.text and "(0 s ahead" in reset.text
    assert client.get(f"/console/numbers/{added.id}").status_code == 404


# --- webhook deliveries ----------------------------------------------------------------------------


def banned_and_delivered(client: TestClient, runtime: Runtime, tenant: Tenant, hook: ScriptedReceiver) -> int:
    """An app subscribed the way Meta takes it, a ban from the control plane: one account_update
    delivered to the loopback receiver. Returns the delivery's id."""
    app_id, token = app_token(runtime, tenant)
    assert subscribe_app(client, app_id, token, hook.url).status_code == 200  # type: ignore[attr-defined]
    user = {"Authorization": f"Bearer {sync(admin.create_access_token(runtime, tenant.sid))}"}
    assert client.post(f"/{tenant.waba_id}/subscribed_apps", headers=user).status_code == 200
    connected(runtime, tenant)
    sync(sim.enforce(runtime, E164, "ban"))
    assert sync(runtime.deliver_due()) == 1
    (delivery,) = sync(events.deliveries(runtime))
    assert delivery.status is Status.DELIVERED
    return delivery.id


def test_the_deliveries_page_lists_a_control_plane_change_and_shows_its_payload(
    client: TestClient, runtime: Runtime, tenant: Tenant, admin_token: str, hook: ScriptedReceiver
) -> None:
    delivery_id = banned_and_delivered(client, runtime, tenant, hook)
    sign_in(client, admin_token)
    assert '<a href="/console/deliveries">Deliveries</a>' in client.get("/console/fleet").text
    listed = client.get("/console/deliveries")
    assert listed.status_code == 200
    assert f'<a href="/console/deliveries/{delivery_id}">#{delivery_id}</a>' in listed.text
    assert "<code>account_update</code>" in listed.text and hook.url in listed.text
    assert "b-delivered" in listed.text and "HTTP 200" in listed.text and str(tenant.waba_id) in listed.text
    assert f"#{delivery_id}" in client.get("/console/deliveries", params={"status": "delivered"}).text
    assert "No delivery is dead." in client.get("/console/deliveries", params={"status": "dead"}).text
    bad = client.get("/console/deliveries", params={"status": "lost"})
    assert bad.status_code == 400 and "status must be one of pending, delivered, dead" in bad.text
    one = client.get(f"/console/deliveries/{delivery_id}")
    assert one.status_code == 200
    sent_body = hook.requests[-1][2]
    signature = hook.requests[-1][3]["x-hub-signature-256"]
    assert signature.startswith("sha256=") and signature in one.text  # a signature, shown
    # the body pretty-printed (orjson's compact form has no space after the colon) and escaped
    assert "\n  &#34;object&#34;: &#34;whatsapp_business_account&#34;,\n" in one.text
    assert b'"object":"whatsapp_business_account"' in sent_body
    assert "<code>User-Agent</code>" in one.text and "facebookexternalua" in one.text
    assert sync(apps.secret(runtime, tenant.sid)).app_secret not in one.text
    for missing in ("999999", "0", "x", "9" * 40):
        assert client.get(f"/console/deliveries/{missing}").status_code == 404


def test_replay_needs_csrf_then_queues_the_delivery_again_and_the_worker_sends_it(
    client: TestClient, runtime: Runtime, tenant: Tenant, admin_token: str, hook: ScriptedReceiver
) -> None:
    delivery_id = banned_and_delivered(client, runtime, tenant, hook)
    sent = len(hook.requests)
    sign_in(client, admin_token)
    page = client.get(f"/console/deliveries/{delivery_id}")
    refused = client.post(f"/console/deliveries/{delivery_id}/replay", data={})
    forged = client.post(f"/console/deliveries/{delivery_id}/replay", data={"csrf": "x" * 43})
    assert refused.status_code == 403 and forged.status_code == 403
    assert sync(events.deliveries(runtime))[0].status is Status.DELIVERED
    replayed = client.post(
        f"/console/deliveries/{delivery_id}/replay", data={"csrf": csrf_of(page)}, follow_redirects=False
    )
    assert replayed.status_code == 303
    assert replayed.headers["location"] == f"/console/deliveries/{delivery_id}?done=replay"
    shown = client.get(replayed.headers["location"])
    assert "Queued again" in shown.text and "b-pending" in shown.text
    (delivery,) = sync(events.deliveries(runtime))
    assert delivery.status is Status.PENDING and delivery.attempts == 0
    assert sync(runtime.deliver_due()) == 1
    assert len(hook.requests) == sent + 1 and hook.requests[-1][2] == hook.requests[sent - 1][2]
    assert "b-delivered" in client.get(f"/console/deliveries/{delivery_id}").text
    assert client.post("/console/deliveries/999999/replay", data={"csrf": csrf_of(page)}).status_code == 404


def test_deliveries_are_the_admin_s_as_the_emulator_page_is(
    client: TestClient, runtime: Runtime, tenant: Tenant, hook: ScriptedReceiver
) -> None:
    delivery_id = banned_and_delivered(client, runtime, tenant, hook)
    sign_in(client, tenant.api_key)
    page = client.get("/console/fleet")
    assert "/console/deliveries" not in page.text
    assert client.get("/console/deliveries").status_code == 403
    assert client.get(f"/console/deliveries/{delivery_id}").status_code == 403
    replay = client.post(f"/console/deliveries/{delivery_id}/replay", data={"csrf": csrf_of(page)})
    assert replay.status_code == 403
    assert sync(events.deliveries(runtime))[0].status is Status.DELIVERED


def test_header_values_that_are_credentials_are_masked_and_signatures_are_not() -> None:
    shown = pages.shown_headers(
        (
            ("Content-Type", "application/json"),
            ("X-Hub-Signature-256", "sha256=ab"),
            ("webhook-signature", "v1,xyz"),
            ("Authorization", "Bearer s3cret"),
            ("X-Api-Key", "k"),
            ("X-Auth-Token", "t"),
        )
    )
    assert shown == [
        ("Content-Type", "application/json"),
        ("X-Hub-Signature-256", "sha256=ab"),
        ("webhook-signature", "v1,xyz"),
        ("Authorization", pages.MASK),
        ("X-Api-Key", pages.MASK),
        ("X-Auth-Token", pages.MASK),
    ]
    assert pages.pretty_body(b'{"a":[1]}') == '{\n  "a": [\n    1\n  ]\n}'
    assert pages.pretty_body(b"not json \xff") == "not json \ufffd"


# --- on and off ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("console", "upstream", "control_plane", "served"),
    [
        ("auto", "emulator", None, True),
        ("auto", "graph", None, False),
        ("on", "graph", None, True),
        ("off", "emulator", None, False),
        ("auto", "emulator", False, False),
        ("auto", "emulator", True, True),
        ("auto", "graph", True, True),
    ],
)
def test_the_console_follows_the_control_plane_unless_set(
    console: str, upstream: str, control_plane: bool | None, served: bool
) -> None:
    settings = Settings(console=console, upstream=upstream, control_plane=control_plane)  # type: ignore[arg-type]
    assert enabled(settings) is served


def test_an_off_console_is_not_served(runtime: Runtime, database_url: str) -> None:
    app = create_app(Settings(database_url=database_url, console="off"), runtime=runtime)
    with TestClient(app) as off:
        assert off.get("/console/sign-in").status_code == 404


def test_a_console_setting_other_than_auto_on_off_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from wanumbers.server.settings import SettingsError

    monkeypatch.setenv("WANUMBERS_CONSOLE", "maybe")
    with pytest.raises(SettingsError, match="console must be 'auto', 'on' or 'off', not 'maybe'"):
        Settings.from_env()


def test_with_the_control_plane_off_a_served_console_has_no_controls(
    runtime: Runtime, database_url: str, tenant: Tenant, admin_token: str
) -> None:
    settings = Settings(database_url=database_url, console="on", control_plane=False)
    with TestClient(create_app(settings, runtime=runtime), base_url="http://127.0.0.1") as served:
        added = add_number(served, tenant)
        sign_in(served, admin_token)
        page = served.get(f"/console/numbers/{added.id}")
        assert page.status_code == 200 and "Emulator controls" not in page.text
        assert "OTP outbox" not in page.text
        assert served.get("/console/emulator").status_code == 404
        # the delivery queue runs whoever plays Meta: its pages stay the admin's
        assert served.get("/console/deliveries").status_code == 200
        refused = served.post(f"/console/numbers/{added.id}/ban", data={"csrf": csrf_of(page)})
        assert refused.status_code == 404
