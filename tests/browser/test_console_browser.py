"""The console in a real browser: Debian's headless Chromium driven by Selenium through chromedriver,
against a real ``wanumbers serve`` process on a free port.

Without chromium and chromedriver the test skips, saying why; with ``WANUMBERS_REQUIRE_BROWSER=1`` (set by
.ci/run) it fails instead, so CI never passes without it. ``WANUMBERS_SCREENSHOTS=DIR`` saves the pages it
visits as PNGs there (``scripts/console-screenshots`` writes docs/console/ that way).
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests._processes import Server, serving, wanumbers
from tests.server.events.receiver import ScriptedReceiver, eventually

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
LAPTOP, PHONE = (1280, 900), (390, 844)
WAIT = 10.0  # seconds a page may take to show what the test waits for


def _browser_or_skip() -> None:
    if CHROMIUM and CHROMEDRIVER:
        return
    why = "chromium and chromium-driver are not installed (apt-get install -y chromium chromium-driver)"
    if os.environ.get("WANUMBERS_REQUIRE_BROWSER") == "1":
        pytest.fail(f"WANUMBERS_REQUIRE_BROWSER=1 but {why}")
    pytest.skip(why)


@dataclass
class Tenant:
    sid: str
    api_key: str
    waba_id: str


@dataclass
class Fleet:
    server: Server
    admin_token: str
    acme: Tenant
    rival: Tenant
    limited_id: str  # Acme's connected number whose name awaits review
    pending: str  # Acme's number waiting for its OTP (E.164)
    pending_id: str
    rival_e164: str
    acme_app: dict[str, Any]  # Acme's app id and secret (`wanumbers apps secret`)
    acme_user_token: str  # a Graph token of Acme's (`wanumbers tokens create`)


def _cli(*args: str) -> dict[str, Any]:
    done = wanumbers(*args, "--json")
    assert done.returncode == 0, done.stderr
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _tenant(database_url: str, name: str) -> Tenant:
    account = _cli("accounts", "create", "--name", name, "--database-url", database_url)
    waba = _cli("wabas", "create", "--sid", account["sid"], "--database-url", database_url)
    return Tenant(account["sid"], account["api_key"], str(waba["waba_id"]))


class Api:
    def __init__(self, server: Server, admin_token: str) -> None:
        self.http = httpx.Client(base_url=server.url, timeout=10)
        self.admin = {"Authorization": f"Bearer {admin_token}"}

    def close(self) -> None:
        self.http.close()

    def add(self, tenant: Tenant, national: str, name: str) -> str:
        body = {"phone_number": national, "name": name, "verification_type": "SMS", "country_code": "+91"}
        path = f"/v2/{tenant.sid}/whatsapp/{tenant.waba_id}/number/add"
        response = self.http.post(path, headers={"api-key": tenant.api_key}, json=body)
        assert response.status_code == 200, response.text
        number_id: str = response.json()["data"]
        return number_id

    def otp(self, e164: str) -> str:
        response = self.http.get("/sim/outbox", params={"phone": e164}, headers=self.admin)
        code: str = response.json()[0]["code"]
        return code

    def verify(self, tenant: Tenant, number_id: str, e164: str, otp: str) -> int:
        path = f"/v2/{tenant.sid}/whatsapp/{tenant.waba_id}/number/verify"
        body = {"id": number_id, "phone_number": e164, "otp": otp}
        return self.http.post(path, headers={"api-key": tenant.api_key}, json=body).status_code

    def connected(self, tenant: Tenant, national: str, name: str) -> str:
        number_id = self.add(tenant, national, name)
        assert self.verify(tenant, number_id, "+91" + national, self.otp("+91" + national)) == 200
        return number_id

    def subscribe(self, fleet: Fleet, url: str) -> None:
        """Acme's app subscribed the way Meta takes it (handshake to ``url``), and on Acme's WABA."""
        app_id, secret = fleet.acme_app["app_id"], fleet.acme_app["app_secret"]
        params = {
            "object": "whatsapp_business_account",
            "callback_url": url,
            "verify_token": "console-browser",
            "fields": "phone_number_quality_update",
        }
        bearer = {"Authorization": f"Bearer {app_id}|{secret}"}
        answer = self.http.post(f"/v23.0/{app_id}/subscriptions", params=params, headers=bearer)
        assert answer.status_code == 200, answer.text
        user = {"Authorization": f"Bearer {fleet.acme_user_token}"}
        waba = self.http.post(f"/v23.0/{fleet.acme.waba_id}/subscribed_apps", headers=user)
        assert waba.status_code == 200, waba.text

    def sim(self, number_id: str, action: str, body: dict[str, Any] | None = None) -> None:
        response = self.http.post(f"/sim/numbers/{number_id}/{action}", headers=self.admin, json=body or {})
        assert response.status_code == 200, response.text


@pytest.fixture(scope="module")
def fleet(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fleet]:
    _browser_or_skip()
    work = tmp_path_factory.mktemp("console-browser")
    database_url = f"sqlite:///{work / 'console.db'}"
    acme, rival = _tenant(database_url, "Acme Retail"), _tenant(database_url, "Rival Foods")
    token = _cli("sim", "token", "--database-url", database_url)["admin_token"]
    acme_app = _cli("apps", "secret", "--sid", acme.sid, "--database-url", database_url)
    user_token = _cli("tokens", "create", "--sid", acme.sid, "--database-url", database_url)["access_token"]
    with serving(database_url, work / "serve.log") as server:
        api = Api(server, token)
        limited = api.connected(acme, "9876500001", "Acme Support")
        for i, (name, steer) in enumerate(
            [
                ("Acme Sales", [("name", {"status": "APPROVED"}), ("quality", {"rating": "GREEN"})]),
                ("Acme Alerts", [("name", {"status": "APPROVED"}), ("tier", {"tier": "TIER_10K"})]),
                ("Acme Offers", [("name", {"status": "APPROVED"}), ("quality", {"rating": "RED"})]),
                ("Acme Billing", [("name", {"status": "APPROVED"}), ("flag", None)]),
                ("Acme Legacy", [("name", {"status": "DECLINED"}), ("ban", None)]),
                ("Acme Care", [("name", {"status": "APPROVED"}), ("throughput", {"level": "HIGH"})]),
            ]
        ):
            number_id = api.connected(acme, f"98765000{i + 2:02d}", name)
            for action, body in steer:
                api.sim(number_id, action, body)
        pending_id = api.add(acme, "9876500099", "Acme Onboarding")
        api.connected(rival, "9123400001", "Rival Kitchen")
        api.close()
        yield Fleet(
            server,
            token,
            acme,
            rival,
            limited,
            "+919876500099",
            pending_id,
            "+919123400001",
            acme_app,
            user_token,
        )


@pytest.fixture(scope="module")
def browser(fleet: Fleet) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    assert CHROMIUM is not None and CHROMEDRIVER is not None
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"):
        options.add_argument(argument)
    options.add_argument(f"--window-size={LAPTOP[0]},{LAPTOP[1]}")
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


class Page:
    """The browser, with the few moves the test makes."""

    def __init__(self, driver: Any, base: str) -> None:
        self.driver, self.base = driver, base
        self.shots = (
            Path(os.environ["WANUMBERS_SCREENSHOTS"]) if os.environ.get("WANUMBERS_SCREENSHOTS") else None
        )

    def open(self, path: str) -> None:
        self.driver.get(self.base + path)

    def find(self, css: str) -> Any:
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.ui import WebDriverWait

        return WebDriverWait(self.driver, WAIT).until(
            expected_conditions.presence_of_element_located((By.CSS_SELECTOR, css))
        )

    def text(self) -> str:
        text: str = self.find("main").text
        return text

    def sign_in(self, secret: str) -> None:
        from selenium.webdriver.common.keys import Keys

        self.open("/console/sign-in")
        field = self.find("#secret")
        field.send_keys(secret + Keys.ENTER)  # the keyboard alone signs in
        self.find("table.fleet")

    def sign_out(self) -> None:
        self.find("form.signout button").click()
        self.find("#secret")

    def choose(self, css: str, value: str) -> None:
        from selenium.webdriver.support.ui import Select

        Select(self.find(css)).select_by_value(value)

    def shot(self, name: str, size: tuple[int, int] = LAPTOP) -> None:
        if self.shots is None:
            return
        self.shots.mkdir(parents=True, exist_ok=True)
        width, _ = size
        self.driver.set_window_size(width, 800)
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        self.driver.set_window_size(width, min(max(int(height) + 140, 600), 4000))
        self.driver.save_screenshot(str(self.shots / f"{name}.png"))
        self.driver.set_window_size(*LAPTOP)


def test_console_in_a_real_browser(fleet: Fleet, browser: Any) -> None:
    page = Page(browser, fleet.server.url)
    page.open("/console/")
    page.find("#secret")
    assert browser.current_url.endswith("/console/sign-in")
    page.shot("sign-in", (900, 600))

    # sign in with the admin token: every account's numbers
    page.sign_in(fleet.admin_token)
    text = page.text()
    assert "Acme Support" in text and "Rival Kitchen" in text
    page.shot("fleet")
    page.shot("fleet-phone", PHONE)

    # filter the fleet: only LIMITED numbers, each with its reason
    page.choose("#f-health", "LIMITED")
    page.find("form.filters button[type=submit]").click()
    page.find("#f-health option[value=LIMITED][selected]")
    rows = browser.find_elements("css selector", "table.fleet tbody tr")
    names = [row.find_elements("css selector", "td")[1].text for row in rows]
    assert "Acme Support" in names and "Acme Sales" not in names and "Acme Legacy" not in names
    assert "Your display name has not been approved yet." in page.text()
    page.shot("fleet-limited")

    # open the LIMITED number and read why
    browser.find_element("link text", "+919876500001").click()
    health = page.find("#health")
    assert "LIMITED" in health.text and "display name has not been approved" in health.text
    page.shot("number")

    # approve its name: LIMITED goes away, from the page and the contracts
    page.choose("#c-name", "APPROVED")
    page.find("#do-name").click()
    page.find("p.notice")
    health = page.find("#health")
    assert "AVAILABLE" in health.text and "LIMITED" not in health.text
    assert "APPROVED" in page.find("#name-status").text
    latest = page.find("table.timeline tbody tr")  # the number's timeline, newest first
    assert "Display name approved: Acme Support" in latest.text and " UTC" in latest.text
    assert "Number added" in page.find("table.timeline").text
    node = httpx.get(
        f"{fleet.server.url}/v2/{fleet.acme.sid}/whatsapp/919876500001/phone_number_details",
        headers={"api-key": fleet.acme.api_key},
    ).json()
    assert node["health_status"]["can_send_message"] == "AVAILABLE"

    # read an OTP the emulator "sent", and use it
    page.open(f"/console/numbers/{fleet.pending_id}")
    code = page.find("td.otp").text.strip()
    assert len(code) == 6 and code.isdigit()
    api = Api(fleet.server, fleet.admin_token)
    assert api.verify(fleet.acme, fleet.pending_id, fleet.pending, code) == 200
    api.close()
    page.open("/console/emulator")
    page.find("td.otp")
    page.shot("emulator")

    # a webhook delivered to a real receiver, read and replayed from the deliveries page
    hook = ScriptedReceiver().start()
    try:
        api = Api(fleet.server, fleet.admin_token)
        api.subscribe(fleet, hook.url)
        api.sim(fleet.limited_id, "quality", {"rating": "RED"})
        api.close()
        posts = lambda: [r for r in hook.requests if r[0] == "POST"]  # noqa: E731
        eventually(lambda: len(posts()) == 1, timeout=WAIT)
        page.find("nav a[href='/console/deliveries']").click()
        page.find("table.deliveries tbody tr td a").click()
        assert "delivered" in page.find("#delivery-status").text
        assert posts()[0][3]["x-hub-signature-256"] in page.text()
        page.shot("delivery")
        page.find("form[action$='/replay'] button").click()
        assert "Queued again" in page.find("p.notice").text
        eventually(lambda: len(posts()) == 2, timeout=WAIT)
        assert posts()[1][2] == posts()[0][2]

        # the deliveries list refreshes itself: a new delivery appears without a reload
        from selenium.webdriver.common.by import By

        page.find("nav a[href='/console/deliveries']").click()
        rows = lambda: len(page.driver.find_elements(By.CSS_SELECTOR, "table.deliveries tbody tr"))  # noqa: E731
        before = rows()
        page.driver.execute_script("document.body.setAttribute('data-not-reloaded', '1')")
        api = Api(fleet.server, fleet.admin_token)
        api.sim(fleet.limited_id, "quality", {"rating": "GREEN"})
        api.close()
        eventually(lambda: rows() == before + 1, timeout=WAIT)
        assert page.driver.find_element(By.TAG_NAME, "body").get_attribute("data-not-reloaded") == "1"
    finally:
        hook.stop()
    page.sign_out()

    # a tenant signed in with its API key sees none of another tenant's numbers
    page.sign_in(fleet.rival.api_key)
    text = page.text()
    assert "Rival Kitchen" in text and fleet.rival_e164 in text
    assert "Acme" not in text and "+9198765" not in text
    page.open(f"/console/numbers/{fleet.limited_id}")
    assert "No such phone number." in page.text()
    page.open("/console/fleet?q=%2B9198765")
    assert "No number matches." in page.text()
    page.sign_out()


def test_a_missing_browser_skips_with_its_reason_or_fails_when_required(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import tests.browser.test_console_browser as module

    monkeypatch.setattr(module, "CHROMIUM", None)
    monkeypatch.delenv("WANUMBERS_REQUIRE_BROWSER", raising=False)
    with pytest.raises(pytest.skip.Exception, match="apt-get install -y chromium chromium-driver"):
        module._browser_or_skip()
    monkeypatch.setenv("WANUMBERS_REQUIRE_BROWSER", "1")
    with pytest.raises(pytest.fail.Exception, match="WANUMBERS_REQUIRE_BROWSER=1 but chromium"):
        module._browser_or_skip()
