"""Every ``CloudAPI`` / ``AsyncCloudAPI`` method against the running service's Graph surface
(sandbox and real server). Skipped while the Graph surface has not landed."""

from __future__ import annotations

from typing import Any

import pytest

from wanumbers.client import (
    CodeVerificationStatus,
    GraphAuthenticationError,
    GraphNotFoundError,
    GraphVerificationError,
    PhoneNumber,
    PhoneNumberStatus,
    SuccessResponse,
)

from .conftest import Target, collect, fresh_phone, needs_graph, resolve

pytestmark = [pytest.mark.anyio, needs_graph]


async def created(cloud: Any) -> tuple[str, str]:
    """A new unverified number: (id, E.164)."""
    national = fresh_phone()
    number_id = await resolve(cloud.create_phone_number("91", national, "Acme Store"))
    return number_id, "+91" + national


async def registered(cloud: Any, target: Target) -> str:
    number_id, e164 = await created(cloud)
    await resolve(cloud.request_verification_code("SMS", "en_US", phone_number_id=number_id))
    code = target.sim.last_code(e164)
    await resolve(cloud.verify_code(code, phone_number_id=number_id))
    await resolve(cloud.register("123456", phone_number_id=number_id))
    return number_id


async def test_a_number_is_created_verified_registered_and_deregistered(cloud: Any, target: Target) -> None:
    number_id, e164 = await created(cloud)
    sent = await resolve(cloud.request_verification_code("SMS", "en_US", phone_number_id=number_id))
    assert isinstance(sent, SuccessResponse)
    assert sent.success is True
    assert (await resolve(cloud.verify_code(target.sim.last_code(e164), phone_number_id=number_id))).success
    node = await resolve(cloud.get_phone_number_by_id(["code_verification_status"], number_id))
    assert node.code_verification_status is CodeVerificationStatus.VERIFIED
    assert (await resolve(cloud.register("123456", phone_number_id=number_id))).success
    node = await resolve(cloud.get_phone_number_by_id(["status", "display_phone_number"], number_id))
    assert isinstance(node, PhoneNumber)
    assert node.status is PhoneNumberStatus.CONNECTED
    assert (await resolve(cloud.deregister(phone_number_id=number_id))).success
    node = await resolve(cloud.get_phone_number_by_id(["status"], number_id))
    assert node.status is not PhoneNumberStatus.CONNECTED


async def test_a_wrong_code_raises_a_verification_error(cloud: Any, target: Target) -> None:
    number_id, e164 = await created(cloud)
    await resolve(cloud.request_verification_code("SMS", "en_US", phone_number_id=number_id))
    code = target.sim.last_code(e164)
    with pytest.raises(GraphVerificationError):
        await resolve(
            cloud.verify_code("000000" if code != "000000" else "111111", phone_number_id=number_id)
        )


async def test_pages_of_numbers_follow_cursors_to_the_end(cloud: Any) -> None:
    ids = {(await created(cloud))[0] for _ in range(3)}
    page = await resolve(cloud.get_phone_numbers(fields=["id"], limit=2))
    assert len(page.data) == 2
    assert page.next_cursor is not None
    walked = await collect(cloud.iter_phone_numbers(fields=["id", "verified_name"], limit=2))
    assert {number.id for number in walked} == ids


async def test_conversational_automation_round_trips(cloud: Any, target: Target) -> None:
    number_id = await registered(cloud, target)
    done = await resolve(
        cloud.set_conversational_automation(
            enable_welcome_message=True,
            prompts=["Book a table"],
            commands=[{"command_name": "menu", "command_description": "See the menu"}],
            phone_number_id=number_id,
        )
    )
    assert done.success
    automation = await resolve(cloud.get_conversational_automation(phone_number_id=number_id))
    assert automation.enable_welcome_message is True
    assert automation.prompts == ["Book a table"]


async def test_throughput_comes_with_the_messaging_tier(cloud: Any, target: Target) -> None:
    number_id = await registered(cloud, target)
    target.sim.set_throughput(number_id, "HIGH")
    info = await resolve(cloud.get_throughput(phone_number_id=number_id))
    assert info.level == "HIGH"


async def test_the_business_profile_round_trips(cloud: Any, target: Target) -> None:
    number_id = await registered(cloud, target)
    done = await resolve(
        cloud.update_business_profile(
            about="Open 9-5", websites=["https://acme.test"], vertical="RETAIL", phone_number_id=number_id
        )
    )
    assert done.success
    profile = await resolve(cloud.get_business_profile(phone_number_id=number_id))
    assert profile.about == "Open 9-5"


async def test_settings_can_be_read_and_updated(cloud: Any, target: Target) -> None:
    number_id = await registered(cloud, target)
    done = await resolve(
        cloud.update_settings(
            calling={"sip": {"servers": [{"hostname": "sip.acme.test", "port": 5061}]}},
            phone_number_id=number_id,
        )
    )
    assert done.success
    settings = await resolve(cloud.get_settings(phone_number_id=number_id))
    assert settings.calling is not None


async def test_another_accounts_number_is_not_found(cloud: Any, target: Target, flavour: str) -> None:
    number_id, _ = await created(cloud)
    rival = target.cloud(flavour, target.new_account("rival"))
    try:
        with pytest.raises(GraphNotFoundError):
            await resolve(rival.get_phone_number_by_id(["id"], number_id))
    finally:
        await resolve(rival.close())


async def test_a_bad_token_is_an_authentication_error(target: Target, flavour: str) -> None:
    creds = target.credentials
    client = target.cloud(flavour, type(creds)(creds.sid, creds.api_key, creds.waba_id, "EAAbogus"))
    try:
        with pytest.raises(GraphAuthenticationError):
            await resolve(client.get_phone_numbers())
    finally:
        await resolve(client.close())
