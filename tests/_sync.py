"""Run the service's async use cases from synchronous tests: on one helper event loop per process (the
sandbox's), so a store's connections are reused across calls instead of made per call."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from wanumbers._sandbox.bridge import run_on_helper_loop
from wanumbers.server.domain.records import Account, PhoneNumber, Waba
from wanumbers.server.services import numbers
from wanumbers.server.services.runtime import Runtime

T = TypeVar("T")


def sync(coroutine: Coroutine[Any, Any, T]) -> T:
    return run_on_helper_loop(coroutine)


async def save(rt: Runtime, number: PhoneNumber) -> None:
    """Write ``number`` as it stands (tests that put the store in a state no API reaches)."""
    async with rt.uow(write=True) as uow:
        await uow.numbers.save(number)
        await uow.commit()


def stored_number(rt: Runtime, number_id: int | str) -> PhoneNumber:
    async def get() -> PhoneNumber | None:
        async with rt.uow() as uow:
            return await uow.numbers.get(int(number_id))

    number = sync(get())
    assert number is not None
    return number


async def on_own_loop(rt: Runtime, coroutine: Coroutine[Any, Any, T]) -> T:
    """``coroutine`` on an event loop of its own (``asyncio.run`` in a thread), which then gives back
    the connections it opened: a pool must not outlive its loop."""
    try:
        return await coroutine
    finally:
        await rt.release_loop()


def resolving_to(*addresses: str, **by_host: list[str]) -> Callable[[str, int], Awaitable[list[str]]]:
    """A stand-in for ``services.urls.resolve``: every host resolves to ``addresses``, or as ``by_host``
    says (no DNS in tests)."""

    async def resolve(host: str, port: int) -> list[str]:
        return by_host.get(host, list(addresses))

    return resolve


def owned_waba(rt: Runtime, account: Account, waba_id: int) -> Waba:
    """WABA ``waba_id`` of ``account``, as the Kaleyra routes hand it to ``numbers.onboard``/``confirm``."""

    async def get() -> Waba:
        async with rt.uow() as uow:
            return await numbers.owned_waba(uow, account, waba_id)

    return sync(get())
