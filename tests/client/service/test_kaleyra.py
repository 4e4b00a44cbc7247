"""Every ``Kaleyra`` / ``AsyncKaleyra`` method against the running service (sandbox and real server)."""

from __future__ import annotations

from typing import Any

import pytest

from wanumbers.client import (
    BusinessCategory,
    KaleyraAuthenticationError,
    KaleyraNotFoundError,
    KaleyraValidationError,
    KaleyraVerificationError,
    PhoneNumberDetails,
    PhoneNumberStatus,
)

from .conftest import Target, fresh_phone, resolve

pytestmark = pytest.mark.anyio


async def onboard(kaleyra: Any, target: Target, national: str) -> str:
    """Add and verify a number; returns its id."""
    waba = target.credentials.waba_id
    number_id = await resolve(kaleyra.add_number(waba, national, "Acme Store", "SMS", "+91"))
    code = target.sim.last_code("+91" + national)
    assert await resolve(kaleyra.verify_number(waba, number_id, "+91" + national, code)) == number_id
    return str(number_id)


async def test_a_number_goes_from_add_to_connected_with_the_code_from_the_outbox(
    kaleyra: Any, target: Target
) -> None:
    national = fresh_phone()
    number_id = await resolve(
        kaleyra.add_number(target.credentials.waba_id, national, "Acme Store", "SMS", "+91")
    )
    assert number_id.isdigit()
    details = await resolve(kaleyra.get_number_details("91" + national))
    assert details.status is not PhoneNumberStatus.CONNECTED
    code = target.sim.last_code("+91" + national)
    await resolve(kaleyra.verify_number(target.credentials.waba_id, number_id, "+91" + national, code))
    details = await resolve(kaleyra.get_number_details("91" + national))
    assert isinstance(details, PhoneNumberDetails)
    assert details.id == number_id
    assert details.status is PhoneNumberStatus.CONNECTED
    assert details.verified_name == "Acme Store"
    assert details.health_status is not None


async def test_update_number_changes_only_the_fields_given(kaleyra: Any, target: Target) -> None:
    national = fresh_phone()
    await onboard(kaleyra, target, national)
    waba = target.credentials.waba_id
    await resolve(
        kaleyra.update_number(
            waba, "+91" + national, about="Open 9-5", category=BusinessCategory.SHOPPING_RETAIL
        )
    )
    assert await resolve(kaleyra.update_number(waba, "+91" + national, email="hi@acme.test")) is None
    view = target.sim.number("+91" + national)
    assert view["phone_number"] == "+91" + national


async def test_details_are_served_on_the_v1_path_too(kaleyra: Any, target: Target) -> None:
    national = fresh_phone()
    number_id = await onboard(kaleyra, target, national)
    details = await resolve(kaleyra.get_number_details("+91" + national, "v1"))
    assert details.id == number_id


async def test_quality_steered_by_the_control_plane_shows_in_the_details(
    kaleyra: Any, target: Target
) -> None:
    national = fresh_phone()
    await onboard(kaleyra, target, national)
    target.sim.set_quality("+91" + national, "RED")
    details = await resolve(kaleyra.get_number_details("91" + national))
    assert details.quality_rating == "RED"


async def test_a_wrong_otp_raises_a_verification_error_and_the_right_one_still_works(
    kaleyra: Any, target: Target
) -> None:
    national = fresh_phone()
    waba = target.credentials.waba_id
    number_id = await resolve(kaleyra.add_number(waba, national, "Acme", "SMS", "+91"))
    code = target.sim.last_code("+91" + national)
    wrong = "000000" if code != "000000" else "111111"
    with pytest.raises(KaleyraVerificationError) as caught:
        await resolve(kaleyra.verify_number(waba, number_id, "+91" + national, wrong))
    assert caught.value.code == "WA400"
    assert caught.value.error == {"otp": "Incorrect OTP"}
    await resolve(kaleyra.verify_number(waba, number_id, "+91" + national, code))


async def test_adding_a_number_twice_is_a_validation_error_naming_the_field(
    kaleyra: Any, target: Target
) -> None:
    national = fresh_phone()
    waba = target.credentials.waba_id
    await resolve(kaleyra.add_number(waba, national, "Acme", "SMS", "+91"))
    with pytest.raises(KaleyraValidationError) as caught:
        await resolve(kaleyra.add_number(waba, national, "Acme", "SMS", "+91"))
    assert caught.value.error == {"phone_number": "phone number already exists"}


async def test_another_accounts_number_is_not_found(kaleyra: Any, target: Target, flavour: str) -> None:
    national = fresh_phone()
    await onboard(kaleyra, target, national)
    rival = target.kaleyra(flavour, target.new_account("rival"))
    try:
        with pytest.raises(KaleyraNotFoundError):
            await resolve(rival.get_number_details("91" + national))
    finally:
        await resolve(rival.close())


async def test_a_wrong_api_key_is_an_authentication_error(target: Target, flavour: str) -> None:
    creds = target.credentials
    impostor = type(creds)(creds.sid, "not-the-key", creds.waba_id, creds.access_token)
    client = target.kaleyra(flavour, impostor)
    try:
        with pytest.raises(KaleyraAuthenticationError) as caught:
            await resolve(client.get_number_details("919876543210"))
        assert caught.value.status_code == 401
    finally:
        await resolve(client.close())
