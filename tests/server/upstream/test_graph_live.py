"""Live mode end to end, with two processes: ``wanumbers serve --upstream graph`` (the BSP) forwarding
over HTTP to a second ``wanumbers serve`` that plays the Graph API. Operators set both up with the
CLI, exactly as documented; OTPs are read from the Graph side's outbox."""

from __future__ import annotations

import importlib.util
import json
import random
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests._processes import Server, start, wanumbers
from wanumbers.client import (
    CloudAPI,
    Kaleyra,
    KaleyraTransientError,
    KaleyraValidationError,
    KaleyraVerificationError,
    PhoneNumberStatus,
)

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("wanumbers.server.surfaces.graph.routes") is None,
    reason="the Graph surface (the upstream this test forwards to) has not landed yet",
)


def cli_json(*args: str) -> dict[str, str]:
    result = wanumbers(*args, "--json")
    assert result.returncode == 0, result.stderr
    data: dict[str, str] = json.loads(result.stdout)
    return data


@dataclass
class LiveSetup:
    graph: Server
    bsp: Server
    graph_db: str
    bsp_db: Path
    token: str
    sid: str
    api_key: str
    waba_id: str
    meta_sid: str

    def kaleyra(self, **options: object) -> Kaleyra:
        return Kaleyra(self.sid, self.api_key, base_url=self.bsp.url, **options)  # type: ignore[arg-type]

    def last_code(self, e164: str) -> str:
        result = wanumbers("sim", "outbox", "--phone", e164, "--database-url", self.graph_db, "--json")
        assert result.returncode == 0, result.stderr
        code: str = json.loads(result.stdout)[0]["code"]
        return code


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveSetup]:
    folder = tmp_path_factory.mktemp("live")
    graph_db = f"sqlite:///{folder / 'graph.db'}"
    meta = cli_json("accounts", "create", "--name", "Meta side", "--database-url", graph_db)
    waba_id = cli_json("wabas", "create", "--sid", meta["sid"], "--database-url", graph_db)["waba_id"]
    token = cli_json("tokens", "create", "--sid", meta["sid"], "--database-url", graph_db)["access_token"]

    bsp_db = folder / "bsp.db"
    bsp_url = f"sqlite:///{bsp_db}"
    tenant = cli_json("accounts", "create", "--name", "Tenant", "--database-url", bsp_url)
    registered = cli_json(
        "wabas", "create", "--sid", tenant["sid"], "--waba-id", waba_id, "--database-url", bsp_url
    )
    assert registered["waba_id"] == waba_id

    graph = start(graph_db, folder / "graph.log")
    bsp = start(
        bsp_url,
        folder / "bsp.log",
        ["--upstream", "graph", "--graph-base-url", graph.url, "--graph-token", token],
    )
    yield LiveSetup(
        graph, bsp, graph_db, bsp_db, token, tenant["sid"], tenant["api_key"], waba_id, meta["sid"]
    )
    bsp.stop()
    graph.stop()


def fresh_national() -> str:
    return "98" + "".join(random.choices("0123456789", k=8))


def test_a_number_is_onboarded_through_the_upstream_graph_api(live: LiveSetup) -> None:
    national = fresh_national()
    with live.kaleyra() as kaleyra:
        number_id = kaleyra.add_number(live.waba_id, national, "Live Store", "SMS", "+91")
        code = live.last_code("+91" + national)
        assert kaleyra.verify_number(live.waba_id, number_id, "+91" + national, code) == number_id
        kaleyra.update_number(live.waba_id, "+91" + national, about="Open 9-5")
        details = kaleyra.get_number_details("91" + national)
    assert details.id == number_id
    assert details.status is PhoneNumberStatus.CONNECTED
    assert details.verified_name == "Live Store"
    with CloudAPI(live.token, base_url=live.graph.url) as graph:  # Graph itself agrees
        node = graph.get_phone_number_by_id(["status"], number_id)
    assert node.status is PhoneNumberStatus.CONNECTED


def test_details_reflect_what_graph_reports_now(live: LiveSetup) -> None:
    national = fresh_national()
    with live.kaleyra() as kaleyra:
        number_id = kaleyra.add_number(live.waba_id, national, "Live Store", "SMS", "+91")
        kaleyra.verify_number(live.waba_id, number_id, "+91" + national, live.last_code("+91" + national))
        result = wanumbers("sim", "quality", number_id, "RED", "--database-url", live.graph_db)
        assert result.returncode == 0, result.stderr
        assert kaleyra.get_number_details("91" + national).quality_rating == "RED"


def test_a_wrong_code_at_graph_is_kaleyras_incorrect_otp(live: LiveSetup) -> None:
    national = fresh_national()
    with live.kaleyra(max_retries=0) as kaleyra:
        number_id = kaleyra.add_number(live.waba_id, national, "Live Store", "SMS", "+91")
        code = live.last_code("+91" + national)
        with pytest.raises(KaleyraVerificationError) as caught:
            kaleyra.verify_number(
                live.waba_id, number_id, "+91" + national, "000000" if code != "000000" else "111111"
            )
        assert caught.value.code == "WA400"
        assert caught.value.error == {"otp": "Incorrect OTP"}
        kaleyra.verify_number(live.waba_id, number_id, "+91" + national, code)


def test_a_number_graph_already_holds_in_the_waba_is_adopted_not_refused(live: LiveSetup) -> None:
    # What an add leaves behind when Graph created the number and our side never recorded it.
    national = fresh_national()
    with CloudAPI(live.token, base_url=live.graph.url) as graph:
        graph_id = graph.create_phone_number("91", national, "Live Store", waba_id=live.waba_id)
    with live.kaleyra(max_retries=0) as kaleyra:
        assert kaleyra.add_number(live.waba_id, national, "Live Store", "SMS", "+91") == graph_id
        code = live.last_code("+91" + national)
        assert kaleyra.verify_number(live.waba_id, graph_id, "+91" + national, code) == graph_id


def test_an_add_whose_code_request_failed_at_graph_succeeds_when_retried(live: LiveSetup) -> None:
    national = fresh_national()
    armed = wanumbers(
        "sim", "faults", "add", "--route", "graph.request_code", "--database-url", live.graph_db
    )
    assert armed.returncode == 0, armed.stderr
    with live.kaleyra(max_retries=0) as kaleyra:
        with pytest.raises(KaleyraTransientError):
            kaleyra.add_number(live.waba_id, national, "Live Store", "SMS", "+91")
        number_id = kaleyra.add_number(live.waba_id, national, "Live Store", "SMS", "+91")
        code = live.last_code("+91" + national)
        assert kaleyra.verify_number(live.waba_id, number_id, "+91" + national, code) == number_id


def test_a_number_graph_holds_in_another_waba_is_kaleyras_already_exists(live: LiveSetup) -> None:
    national = fresh_national()
    elsewhere = cli_json("wabas", "create", "--sid", live.meta_sid, "--database-url", live.graph_db)
    with CloudAPI(live.token, base_url=live.graph.url) as graph:
        graph.create_phone_number("91", national, "Elsewhere", waba_id=elsewhere["waba_id"])
    with live.kaleyra(max_retries=0) as kaleyra, pytest.raises(KaleyraValidationError) as caught:
        kaleyra.add_number(live.waba_id, national, "Live Store", "SMS", "+91")
    assert caught.value.error == {"phone_number": "phone number already exists"}


def test_upstream_server_faults_are_wa500_try_again_later(live: LiveSetup) -> None:
    national = fresh_national()
    with live.kaleyra(max_retries=0) as kaleyra:
        kaleyra.add_number(live.waba_id, national, "Live Store", "SMS", "+91")
        result = wanumbers(
            "sim",
            "faults",
            "add",
            "--route",
            "graph.get_node",
            "--count",
            "2",
            "--database-url",
            live.graph_db,
        )
        assert result.returncode == 0, result.stderr
        with pytest.raises(KaleyraTransientError) as caught:
            kaleyra.get_number_details("91" + national)
    assert (caught.value.status_code, caught.value.code) == (500, "WA500")
    assert caught.value.message == "Please try again later"


def test_no_otp_or_token_is_logged_or_stored_in_clear(live: LiveSetup) -> None:
    national = fresh_national()
    with live.kaleyra(max_retries=0) as kaleyra:
        number_id = kaleyra.add_number(live.waba_id, national, "Live Store", "SMS", "+91")
        code = live.last_code("+91" + national)
        with pytest.raises(KaleyraVerificationError):
            kaleyra.verify_number(
                live.waba_id, number_id, "+91" + national, "000000" if code != "000000" else "111111"
            )
        kaleyra.verify_number(live.waba_id, number_id, "+91" + national, code)
    stored = b"".join(path.read_bytes() for path in live.bsp_db.parent.glob("bsp.db*"))
    logged = live.bsp.log.read_bytes()
    for secret in (code, live.token):
        assert secret.encode() not in stored
        assert secret.encode() not in logged


def test_an_upstream_outage_is_wa500_try_again_later(live: LiveSetup) -> None:
    # Last in the module: it stops the Graph process.
    national = fresh_national()
    with live.kaleyra(max_retries=0) as kaleyra:
        kaleyra.add_number(live.waba_id, national, "Live Store", "SMS", "+91")
        live.graph.stop()
        for attempt in (
            lambda: kaleyra.get_number_details("91" + national),
            lambda: kaleyra.add_number(live.waba_id, fresh_national(), "Live Store", "SMS", "+91"),
        ):
            with pytest.raises(KaleyraTransientError) as caught:
                attempt()
            assert (caught.value.status_code, caught.value.code) == (500, "WA500")
            assert caught.value.message == "Please try again later"
    assert live.bsp.process.poll() is None  # the BSP itself stays up
