"""Callback-profile use cases: an account manages its own profiles; another account's id is "not
found". A profile's URL passes the SSRF rule (private targets allowed with the emulator, or when the
operator allows them); its signing secret is derived from the server's key (outside the store) and shown
only to the operator (``wanumbers profiles secret [--rotate]``)."""

from __future__ import annotations

import dataclasses
import uuid
from typing import Any

from wanumbers.server.domain import callback_profiles, callback_render
from wanumbers.server.domain.callback_profiles import CallbackProfile
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.records import Account
from wanumbers.server.services import urls
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage.uow import UnitOfWork

DEFAULT_LIMIT = 25  # Kaleyra's default page size


async def check_url(rt: Runtime, url: str) -> None:
    """A sandbox's receivers live on loopback: private URLs as for every webhook receiver."""
    await urls.check_callable(url, "url", allow_private=rt.private_receivers)


async def create(rt: Runtime, account: Account, payload: dict[str, Any]) -> CallbackProfile:
    values = callback_profiles.parse(payload, partial=False)
    callback_profiles.check_method_and_body(values["http_method"], values.get("body"))
    await check_url(rt, values["url"])
    profile = CallbackProfile(
        id=str(uuid.uuid4()), account_id=account.id, created_at=rt.clock.now(), **values
    )
    async with rt.uow(write=True) as uow:
        await uow.callback_profiles.add(profile)
        await uow.commit()
    return profile


async def page(
    rt: Runtime, account: Account, *, limit: int = DEFAULT_LIMIT, offset: int = 0, title: str = ""
) -> list[CallbackProfile]:
    async with rt.uow() as uow:
        return await uow.callback_profiles.page(account.id, limit, offset, title)


async def get(rt: Runtime, account: Account, profile_id: str) -> CallbackProfile:
    async with rt.uow() as uow:
        return await owned(uow, account.id, profile_id)


async def patch(rt: Runtime, account: Account, profile_id: str, payload: dict[str, Any]) -> CallbackProfile:
    """Only the fields given change (Kaleyra's PATCH); the result is checked whole."""
    values = callback_profiles.parse(payload, partial=True)
    async with rt.uow() as uow:
        current = await owned(uow, account.id, profile_id)
    changed = dataclasses.replace(current, **values)
    callback_profiles.check_method_and_body(changed.http_method, changed.body)
    if "url" in values:
        await check_url(rt, changed.url)
    async with rt.uow(write=True) as uow:
        await owned(uow, account.id, profile_id)  # deleted meanwhile: not found, nothing written
        changed = dataclasses.replace(changed, modified_at=rt.clock.now())
        await uow.callback_profiles.save(changed)
        await uow.commit()
    return changed


async def delete(rt: Runtime, account: Account, profile_id: str) -> None:
    async with rt.uow(write=True) as uow:
        if not await uow.callback_profiles.delete(profile_id, account.id):
            raise not_found(profile_id)
        await uow.commit()


async def secret(rt: Runtime, sid: str, profile_id: str, *, rotate: bool = False) -> str:
    """The profile's ``whsec_`` signing secret, for its owner (the operator command). ``rotate``: a new
    one, which signs every request sent from now on (retries of earlier events too); the old one
    stops verifying at once."""
    async with rt.uow(write=rotate) as uow:
        account = await uow.accounts.by_sid(sid)
        if account is None:
            raise DomainError(Reason.UNAUTHENTICATED, f"no account with SID {sid}")
        profile = await owned(uow, account.id, profile_id)
        generation = profile.secret_generation
        if rotate:
            generation = await uow.callback_profiles.rotate_secret(profile_id, account.id) or generation
            await uow.commit()
    return callback_render.secret_for(rt.webhook_key, profile_id, generation)


async def owned(uow: UnitOfWork, account_id: int, profile_id: str) -> CallbackProfile:
    profile = await uow.callback_profiles.owned(profile_id, account_id)
    if profile is None:
        raise not_found(profile_id)
    return profile


def not_found(profile_id: str) -> DomainError:
    return DomainError(Reason.PROFILE_NOT_FOUND, f"No profile exists with id: {profile_id}")
