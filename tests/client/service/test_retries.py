"""Retry and backoff against the real service, driven by the control plane's injected faults."""

from __future__ import annotations

from typing import Any

import pytest

from tests.client._support import Sleeps
from wanumbers.client import (
    APITimeoutError,
    GraphTransientError,
    KaleyraTransientError,
    KaleyraVerificationError,
)

from .conftest import Target, fresh_phone, needs_graph, resolve

pytestmark = pytest.mark.anyio


async def test_a_read_is_retried_through_transient_faults_with_growing_backoff(
    kaleyra: Any, target: Target, sleeps: Sleeps
) -> None:
    national = fresh_phone()
    await resolve(kaleyra.add_number(target.credentials.waba_id, national, "Acme", "SMS", "+91"))
    target.sim.inject_fault("kaleyra.details", count=2)
    details = await resolve(
        kaleyra.with_options(jitter=lambda: 1.0, backoff_base=0.5).get_number_details("91" + national)
    )
    assert details.verified_name == "Acme"
    assert sleeps.delays == [0.5, 1.0]
    assert target.sim.faults() == []


async def test_a_post_is_retried_and_the_number_is_created_once(
    kaleyra: Any, target: Target, sleeps: Sleeps
) -> None:
    national = fresh_phone()
    target.sim.inject_fault("kaleyra.add", count=1)
    number_id = await resolve(kaleyra.add_number(target.credentials.waba_id, national, "Acme", "SMS", "+91"))
    assert len(sleeps.delays) == 1
    assert target.sim.number(number_id)["phone_number"] == "+91" + national
    assert len(target.sim.outbox("+91" + national)) == 1


async def test_faults_outlasting_the_retry_budget_raise_wa500_try_again_later(
    kaleyra: Any, target: Target, sleeps: Sleeps
) -> None:
    target.sim.inject_fault("kaleyra.details", count=5)
    with pytest.raises(KaleyraTransientError) as caught:
        await resolve(kaleyra.with_options(max_retries=3).get_number_details("919876543210"))
    assert caught.value.code == "WA500"
    assert caught.value.message == "Please try again later"
    assert caught.value.status_code == 500
    assert len(sleeps.delays) == 3
    assert [fault.remaining for fault in target.sim.faults()] == [1]


async def test_a_wildcard_fault_hits_whichever_route_comes_next(
    kaleyra: Any, target: Target, sleeps: Sleeps
) -> None:
    target.sim.inject_fault("*", count=1)
    with pytest.raises(KaleyraTransientError):
        await resolve(kaleyra.with_options(max_retries=0).get_number_details("919876543210"))
    assert sleeps.delays == []


async def test_validation_errors_are_never_retried(kaleyra: Any, target: Target, sleeps: Sleeps) -> None:
    national = fresh_phone()
    waba = target.credentials.waba_id
    number_id = await resolve(kaleyra.add_number(waba, national, "Acme", "SMS", "+91"))
    with pytest.raises(KaleyraVerificationError):
        await resolve(kaleyra.verify_number(waba, number_id, "+91" + national, "12345"))
    assert sleeps.delays == []


async def test_a_delay_fault_past_the_timeout_is_retried_as_a_timeout(
    target: Target, flavour: str, sleeps: Sleeps
) -> None:
    national = fresh_phone()
    sleep = sleeps if flavour == "sync" else sleeps.async_sleep
    client = target.kaleyra(flavour, sleep=sleep, timeout=0.2)
    try:
        await resolve(client.add_number(target.credentials.waba_id, national, "Acme", "SMS", "+91"))
        target.sim.inject_fault("kaleyra.details", mode="delay", count=1, delay_ms=1000)
        details = await resolve(client.get_number_details("91" + national))
        assert details.verified_name == "Acme"
        assert len(sleeps.delays) == 1
        target.sim.inject_fault("kaleyra.details", mode="delay", count=1, delay_ms=1000)
        with pytest.raises(APITimeoutError):
            await resolve(client.with_options(max_retries=0).get_number_details("91" + national))
    finally:
        await resolve(client.close())


@needs_graph
async def test_a_graph_read_is_retried_through_an_injected_fault(
    target: Target, flavour: str, sleeps: Sleeps
) -> None:
    sleep = sleeps if flavour == "sync" else sleeps.async_sleep
    cloud = target.cloud(flavour, sleep=sleep)
    try:
        number_id = await resolve(cloud.create_phone_number("91", fresh_phone(), "Acme"))
        target.sim.inject_fault("graph.get_node", count=1)
        node = await resolve(cloud.get_phone_number_by_id(["verified_name"], number_id))
        assert node.verified_name == "Acme"
        assert len(sleeps.delays) == 1
        target.sim.inject_fault("graph.get_node", count=1)
        with pytest.raises(GraphTransientError) as caught:
            await resolve(cloud.with_options(max_retries=0).get_phone_number_by_id(["id"], number_id))
        assert caught.value.is_transient is True
    finally:
        await resolve(cloud.close())
