"""S10's harness pieces: the accounting of changes against webhooks, the probe's receiver (signature,
handshake, Meta's envelope), the order of the report's rows, and one real probe run against a real
``wanumbers serve`` on SQLite."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:  # `bench/` lives at the repo root, beside `src/`
    sys.path.insert(0, str(ROOT))

from bench.event_tally import Arrival, Sent, account, changes_of  # noqa: E402
from bench.events_probe import VERIFY_TOKEN, Receiver  # noqa: E402
from bench.runner import scenario_order  # noqa: E402

FIXTURES = ROOT / "tests" / "fixtures" / "webhooks" / "meta"
SECRET = b"app-secret"


def _sent(display: str, event: str, at: float) -> Sent:
    return Sent(display, event, at)


# --- accounting ----------------------------------------------------------------------


def test_every_change_received_once_in_order_is_all_accounted_for() -> None:
    sent = [_sent("a", "UPGRADE", 0.0), _sent("b", "UPGRADE", 0.1), _sent("a", "DOWNGRADE", 0.2)]
    arrivals = [Arrival("a", "UPGRADE", 0.01), Arrival("b", "UPGRADE", 0.13), Arrival("a", "DOWNGRADE", 0.5)]
    tally = account(sent, arrivals)
    assert (tally.expected, tally.received, tally.lost, tally.duplicates, tally.out_of_order) == (
        3,
        3,
        0,
        0,
        0,
    )
    assert tally.latencies_ms == pytest.approx([10.0, 30.0, 300.0])
    assert tally.events_per_s == pytest.approx(3 / 0.5)  # first change sent → last receipt


def test_a_change_that_never_arrives_is_lost_and_a_repeat_is_a_duplicate() -> None:
    sent = [_sent("a", "UPGRADE", 0.0), _sent("b", "UPGRADE", 0.0)]
    arrivals = [Arrival("a", "UPGRADE", 0.1), Arrival("a", "UPGRADE", 0.2), Arrival("c", "UPGRADE", 0.3)]
    tally = account(sent, arrivals)
    assert (tally.received, tally.lost, tally.duplicates, tally.unexpected) == (1, 1, 1, 1)
    assert tally.latencies_ms == pytest.approx([100.0])  # the first arrival counts
    assert tally.summary()["lost"] == 1


def test_a_numbers_second_change_arriving_before_its_first_is_out_of_order() -> None:
    sent = [_sent("a", "UPGRADE", 0.0), _sent("a", "DOWNGRADE", 0.1), _sent("b", "UPGRADE", 0.1)]
    arrivals = [Arrival("a", "DOWNGRADE", 0.2), Arrival("b", "UPGRADE", 0.2), Arrival("a", "UPGRADE", 0.3)]
    assert account(sent, arrivals).out_of_order == 1


def test_nothing_received_has_no_rate_and_no_percentiles() -> None:
    tally = account([_sent("a", "UPGRADE", 0.0)], [])
    assert tally.events_per_s is None
    assert tally.summary()["p99_ms"] is None and tally.summary()["lost"] == 1


def test_changes_are_read_from_metas_envelope() -> None:
    update = json.loads((FIXTURES / "phone_number_quality_update_flagged.json").read_text())
    assert changes_of(update) == [("124545784358810", "FLAGGED")]
    with pytest.raises(ValueError):
        changes_of({"object": "page", "entry": []})


# --- the probe's receiver --------------------------------------------------------------


def _call(
    app: Receiver, method: str, body: bytes = b"", query: str = "", **headers: str
) -> tuple[int, bytes]:
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": body}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": method,
        "query_string": query.encode(),
        "headers": [(k.replace("_", "-").encode(), v.encode()) for k, v in headers.items()],
    }
    asyncio.run(app(scope, receive, send))
    return sent[0]["status"], sent[1]["body"]


def _signed(body: bytes, secret: bytes = SECRET) -> str:
    return "sha256=" + hmac.new(secret, body, hashlib.sha256).hexdigest()


def test_the_receiver_records_a_signed_delivery_and_refuses_a_badly_signed_one() -> None:
    body = (FIXTURES / "phone_number_quality_update_flagged.json").read_bytes()
    receiver = Receiver(SECRET)
    assert _call(receiver, "POST", body, x_hub_signature_256=_signed(body)) == (200, b"ok")
    assert [(a.display, a.event) for a in receiver.arrivals] == [("124545784358810", "FLAGGED")]
    status, _ = _call(receiver, "POST", body, x_hub_signature_256=_signed(body, b"rotated"))
    assert status == 403 and receiver.rejected == 1 and len(receiver.arrivals) == 1
    status, _ = _call(receiver, "POST", b"[]", x_hub_signature_256=_signed(b"[]"))
    assert status == 400 and receiver.rejected == 2


def test_the_receiver_answers_metas_handshake_only_with_its_verify_token() -> None:
    receiver = Receiver(SECRET)
    good = f"hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token={VERIFY_TOKEN}"
    assert _call(receiver, "GET", query=good) == (200, b"1158201444")
    assert _call(receiver, "GET", query=good.replace(VERIFY_TOKEN, "other"))[0] == 403


# --- the report ------------------------------------------------------------------------


def test_s10_rows_come_after_s9_not_among_s1() -> None:
    keys = [
        "s10-sqlite-latency",
        "s1-sqlite",
        "http-granian-raw",
        "s9-sqlite",
        "s10-sqlite-burst",
        "s2-sqlite",
    ]
    assert sorted(keys, key=scenario_order) == [
        "http-granian-raw",
        "s1-sqlite",
        "s2-sqlite",
        "s9-sqlite",
        "s10-sqlite-latency",
        "s10-sqlite-burst",
    ]


# --- one real probe run ---------------------------------------------------------------


def test_a_burst_through_a_real_server_is_received_whole_and_in_order(tmp_path: Path) -> None:
    from bench.config import RunConfig
    from bench.context import Context
    from bench.loadgen import PythonLoad
    from bench.procs import ProcessRegistry, http_get
    from bench.scenarios import events

    from bench import service

    config = RunConfig(store_size=200, postgres=False)
    registry = ProcessRegistry(tmp_path)
    ctx = Context(config, tmp_path, registry, PythonLoad())
    try:
        ev = events._events(ctx, "sqlite")
        found = ev.run("burst", ev.take(40), 40, "--changes", "2", "--connections", "4")
        latency = ev.run("latency", ev.take(3), 3, "--changes", "2")
        quiet = ev.run("stream", ev.take(5), 5, "--rate", "50", "--duration", "1", "--no-deliveries")
        token = {"Authorization": f"Bearer {ev.secrets['BENCH_EVENTS_ACCESS_TOKEN']}"}
        path = service.graph_subscribed_apps_path(ev.store.tenant.waba_id)
        left = http_get(ev.server.port, path, token, timeout=10.0, limit=65536)
    finally:
        registry.close()
    assert left[0] == 200 and json.loads(left[1])["data"] == []  # each run unsubscribes the WABA after itself
    assert (quiet["deliveries"], quiet["expected"], quiet["changes_failed"], quiet["received"]) == (
        False,
        5,
        0,
        0,
    )
    assert (found["expected"], found["received"], found["lost"]) == (80, 80, 0)
    assert (found["duplicates"], found["out_of_order"], found["rejected"]) == (0, 0, 0)
    assert found["events_per_s"] > 0
    assert (latency["expected"], latency["lost"]) == (6, 0)
    assert 0 < latency["p50_ms"] <= latency["p99_ms"]
