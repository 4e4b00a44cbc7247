"""The SDK's callback-profile methods against the running service (sandbox and real server, sync and
async): create, list, read, update, delete, and the errors they raise."""

from __future__ import annotations

from typing import Any

import pytest

from wanumbers.client import KaleyraNotFoundError, KaleyraValidationError
from wanumbers.client.types import CallbackProfile

from .conftest import Target, fresh_phone, resolve

pytestmark = pytest.mark.anyio


async def test_a_profile_from_create_to_delete(kaleyra: Any, target: Target) -> None:
    created = await resolve(
        kaleyra.create_callback_profile(
            "SDK hook",
            "POST",
            "http://127.0.0.1:9/hook",
            body={"event": "<event>"},
            headers={"X-Env": "test"},
            events=["phone_number_quality_update"],
        )
    )
    assert isinstance(created, CallbackProfile)
    assert (created.title, created.http_method, created.body) == ("SDK hook", "POST", {"event": "<event>"})
    assert (created.headers, created.events, created.status) == (
        {"X-Env": "test"},
        ["phone_number_quality_update"],
        1,
    )

    assert await resolve(kaleyra.get_callback_profile(created.profile_id)) == created
    listed = await resolve(kaleyra.list_callback_profiles(title="SDK hook", limit=100))
    assert created.profile_id in [profile.profile_id for profile in listed]

    updated = await resolve(
        kaleyra.update_callback_profile(created.profile_id, title="SDK renamed", events=[])
    )
    assert (updated.title, updated.events, updated.body) == ("SDK renamed", [], {"event": "<event>"})
    assert updated.modified_at is not None

    await resolve(kaleyra.delete_callback_profile(created.profile_id))
    with pytest.raises(KaleyraNotFoundError) as caught:
        await resolve(kaleyra.get_callback_profile(created.profile_id))
    assert caught.value.code == "RBC302"


async def test_invalid_fields_raise_a_validation_error(kaleyra: Any) -> None:
    with pytest.raises(KaleyraValidationError) as caught:
        await resolve(kaleyra.create_callback_profile("ab", "POST", "http://127.0.0.1:9/"))
    assert (caught.value.code, str(caught.value)) == (
        "RBC301",
        "RBC301 (400): title must be at least 3 characters",
    )


async def test_a_number_takes_the_accounts_profile_and_refuses_another_one(
    kaleyra: Any, target: Target
) -> None:
    national = fresh_phone()
    waba = target.credentials.waba_id
    await resolve(kaleyra.add_number(waba, national, "Acme Store", "SMS", "+91"))
    profile = await resolve(kaleyra.create_callback_profile("Number hook", "GET", "http://127.0.0.1:9/q"))
    await resolve(kaleyra.update_number(waba, "+91" + national, callback_profile_id=profile.profile_id))
    with pytest.raises(KaleyraValidationError, match="does not match any callback profile"):
        await resolve(
            kaleyra.update_number(
                waba, "+91" + national, callback_profile_id="e5a4f212-b0b0-4c77-9f04-7b0123456d34"
            )
        )
