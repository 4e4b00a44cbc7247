"""Webhook subscriptions the way Meta takes them: an app per account with a secret, the app's
subscription (callback URL, verified with Meta's handshake, and fields), the WABA's subscribed apps.

The app secret is derived from the server key and a generation number (``domain.delivery.app_secret``):
nothing secret is stored, a rotation bumps the generation, and the secret is shown only to whoever asks
for it (``wanumbers apps secret``) or proves they have it (``/oauth/access_token``). Verify tokens are
used for the handshake and not kept, as Meta does not show them back either.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from wanumbers.server.domain import delivery, urls, webhooks
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.records import Account, Waba
from wanumbers.server.services import urls as url_checks
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage.repositories.events import AppSubscription

HANDSHAKE_TIMEOUT = 3.0  # seconds the GET verification may take (within the request deadline)
MAX_CHALLENGE_ANSWER = 1024  # bytes of the callback's answer read


class CallbackVerificationFailed(DomainError):
    """The callback did not answer Meta's GET handshake with the challenge (Graph's #2200)."""

    def __init__(self, why: str) -> None:
        super().__init__(
            Reason.INVALID_PARAMETER, f"Callback verification failed with the following errors: {why}"
        )


@dataclass(frozen=True, slots=True)
class AppCredentials:
    app_id: int
    app_secret: str


async def secret(rt: Runtime, sid: str, *, rotate: bool = False) -> AppCredentials:
    """The account's app id and secret; ``rotate`` retires the old secret for good."""
    async with rt.uow(write=rotate) as uow:
        account = await uow.accounts.by_sid(sid)
        if account is None:
            raise DomainError(Reason.ACCOUNT_NOT_FOUND, f"no account with SID {sid}")
        if rotate:
            generation = await uow.subscriptions.rotate(account.app_id, account.id, rt.clock.now())
            await uow.commit()
        else:
            generation = await uow.subscriptions.generation(account.app_id)
    return AppCredentials(account.app_id, delivery.app_secret(rt.webhook_key, account.app_id, generation))


async def access_token(rt: Runtime, grant_type: object, client_id: object, client_secret: object) -> str:
    """``GET /oauth/access_token?grant_type=client_credentials``: the app token ``{app-id}|{secret}``."""
    if grant_type != "client_credentials":
        raise DomainError(Reason.INVALID_PARAMETER, "Unsupported grant_type", field="grant_type")
    if not isinstance(client_id, str) or not client_id.isascii() or not client_id.isdigit():
        raise DomainError(
            Reason.INVALID_PARAMETER,
            "Error validating application. Invalid application ID.",
            field="client_id",
        )
    if not isinstance(client_secret, str) or not client_secret:
        raise DomainError(Reason.INVALID_PARAMETER, "Missing client_secret parameter.", field="client_secret")
    await app_account(rt, f"{client_id}|{client_secret}", int(client_id))
    return f"{client_id}|{client_secret}"


async def app_account(rt: Runtime, token: str, app_id: int) -> Account:
    """The account whose app ``token`` (``{app-id}|{app-secret}``) speaks for; the path's app id must
    be the token's."""
    token_app, given = delivery.parse_app_token(token)
    async with rt.uow() as uow:
        account_id = await uow.subscriptions.app_account(token_app)
        generation = await uow.subscriptions.generation(token_app)
        account = None if account_id is None else await uow.accounts.by_id(account_id)
    if account is None:
        raise DomainError(Reason.UNAUTHENTICATED, "Error validating application. Invalid application ID.")
    delivery.check_app_secret(delivery.app_secret(rt.webhook_key, token_app, generation), given)
    if token_app != app_id:
        raise DomainError(Reason.NUMBER_NOT_FOUND)
    return account


async def subscribe_app(
    rt: Runtime,
    account: Account,
    *,
    object_name: object,
    callback_url: object,
    verify_token: object,
    fields: object,
) -> None:
    """``POST /{app-id}/subscriptions``: verified with Meta's handshake before anything is stored."""
    if object_name != webhooks.OBJECT:
        raise DomainError(Reason.INVALID_PARAMETER, f"object must be {webhooks.OBJECT}", field="object")
    url = await _callback(rt, callback_url, "callback_url")
    token = _verify_token(verify_token)
    names = webhooks.subscription_fields(fields)
    await verify_callback(rt, url, token)
    async with rt.uow(write=True) as uow:
        sub = AppSubscription(object=webhooks.OBJECT, callback_url=url, fields=names)
        await uow.subscriptions.subscribe_app(account.app_id, sub, rt.clock.now())
        await uow.commit()


async def app_subscriptions(rt: Runtime, account: Account) -> list[AppSubscription]:
    async with rt.uow() as uow:
        return await uow.subscriptions.app_subscriptions(account.app_id)


async def subscribe_waba(
    rt: Runtime, account: Account, waba: Waba, *, override: object = None, verify_token: object = None
) -> None:
    """``POST /{waba-id}/subscribed_apps``: the WABA's webhooks go to the token's app, or to
    ``override_callback_uri`` (verified with the handshake, so ``verify_token`` is then required)."""
    uri: str | None = None
    if override is not None and override != "":
        uri = await _callback(rt, override, "override_callback_uri")
        await verify_callback(rt, uri, _verify_token(verify_token))
    async with rt.uow(write=True) as uow:
        await uow.subscriptions.subscribe_waba(waba.id, account.app_id, uri, rt.clock.now())
        await uow.commit()


async def waba_subscriptions(rt: Runtime, waba: Waba) -> list[tuple[int, str | None]]:
    async with rt.uow() as uow:
        return await uow.subscriptions.waba_subscriptions(waba.id)


async def unsubscribe_waba(rt: Runtime, account: Account, waba: Waba) -> None:
    async with rt.uow(write=True) as uow:
        await uow.subscriptions.unsubscribe_waba(waba.id, account.app_id)
        await uow.commit()


async def _callback(rt: Runtime, value: object, field: str) -> str:
    """A callback URL we will call: http(s); loopback and private addresses only with the emulator or
    when the operator allows them (WANUMBERS_ALLOW_PRIVATE_URLS), as for every URL we call."""
    if not isinstance(value, str) or not value:
        raise DomainError(Reason.INVALID_PARAMETER, f"{field} is required", field=field)
    urls.parse_target(value, field)
    await url_checks.check_callable(value, field, allow_private=rt.private_receivers)
    return value


def _verify_token(value: object) -> str:
    if not isinstance(value, str) or not value:
        raise DomainError(Reason.INVALID_PARAMETER, "verify_token is required", field="verify_token")
    return value


async def verify_callback(rt: Runtime, url: str, verify_token: str) -> None:
    """Meta's handshake: ``GET url?hub.mode=subscribe&hub.challenge=N&hub.verify_token=T``; the
    callback must answer 200 with the challenge alone. No redirect is followed; the call goes to the
    address the SSRF check vetted, with the URL's own Host and TLS name (no second resolution)."""
    import httpx  # here, not at start: it costs a cold start ~0.1 s

    vetted = await url_checks.check_callable(url, "callback_url", allow_private=rt.private_receivers)
    challenge = str(secrets.randbelow(10**9) + 10**9)
    params = {"hub.mode": "subscribe", "hub.challenge": challenge, "hub.verify_token": verify_token}
    pinned = {"headers": {"Host": vetted.host_header}, "extensions": vetted.extensions}
    try:
        async with (
            httpx.AsyncClient(timeout=HANDSHAKE_TIMEOUT, follow_redirects=False, trust_env=False) as client,
            client.stream("GET", vetted.connect_url, params=params, **pinned) as response,  # type: ignore[arg-type]
        ):
            answer = b""
            async for chunk in response.aiter_raw():
                answer += chunk
                if len(answer) > MAX_CHALLENGE_ANSWER:
                    break
    except httpx.HTTPError as failure:
        raise CallbackVerificationFailed(f"Couldn't connect to server ({type(failure).__name__})") from None
    if response.status_code != 200:
        raise CallbackVerificationFailed(
            f"HTTP Status Code = {response.status_code}; HTTP Message = {response.reason_phrase}"
        )
    if not webhooks.challenge_echoed(challenge, answer):
        raise CallbackVerificationFailed("The URL couldn't be validated. Response does not match challenge")
