"""``Kaleyra`` and ``AsyncKaleyra``: clients for Kaleyra's WhatsApp phone-number API."""

from __future__ import annotations

from typing import Any, Literal, Self, Unpack

from ._base import AsyncClientOptions, ClientOptions, Contract, RequestOptions
from ._docs import copy_docs
from ._error_map import is_kaleyra_error_body, kaleyra_error
from ._http import AsyncHTTPClient, SyncHTTPClient
from .resources import callback_profiles as profile_ops
from .resources import kaleyra_numbers as ops
from .types.callback_profile import CallbackProfile
from .types.phone_number import PhoneNumberDetails

__all__ = ["KALEYRA_PODS", "AsyncKaleyra", "Kaleyra", "Pod"]

Pod = Literal["IN", "SG", "EU", "NA"]

#: API domains per pod, from the seeds (other Kaleyra pages disagree for SG and NA; see docs).
KALEYRA_PODS: dict[str, str] = {
    "IN": "https://api.in.kaleyra.io",
    "SG": "https://api.ap.kaleyra.io",
    "EU": "https://api.eu.kaleyra.io",
    "NA": "https://api.na.kaleyra.io",
}


def _contract(api_key: str, pod: str, base_url: str | None) -> Contract:
    if base_url is None:
        try:
            base_url = KALEYRA_PODS[pod.upper()]
        except KeyError:
            raise ValueError(f"pod must be one of {sorted(KALEYRA_PODS)}, not {pod!r}") from None
    return Contract(
        base_url=base_url,
        auth_headers={"api-key": api_key},
        is_error_body=is_kaleyra_error_body,
        error_for=kaleyra_error,
    )


class Kaleyra(SyncHTTPClient):
    """Kaleyra's WhatsApp phone-number API (v2 BSP contract).

    ``pod`` picks the API domain; ``base_url`` overrides it (self-hosted wanumbers, sandbox).
    Transport knobs (timeout, retries, backoff, transport, sleep) are in :class:`ClientOptions`.

    >>> kaleyra = Kaleyra(sid="HXAP16XXXXXX97IN", api_key="...", pod="IN")  # doctest: +SKIP
    >>> kaleyra.get_number_details("914XXXXXX139").quality_rating  # doctest: +SKIP
    """

    def __init__(
        self,
        sid: str,
        api_key: str,
        pod: Pod = "IN",
        base_url: str | None = None,
        **options: Unpack[ClientOptions],
    ) -> None:
        self.sid = sid
        self._args: dict[str, Any] = {
            "sid": sid,
            "api_key": api_key,
            "pod": pod,
            "base_url": base_url,
        }
        super().__init__(_contract(api_key, pod, base_url), options)

    def with_options(self, **options: Unpack[ClientOptions]) -> Self:
        """A copy with some knobs changed, sharing this client's connection pool."""
        return type(self)(**self._args, **self._copy_options(dict(options)))

    def add_number(
        self,
        waba_id: str,
        phone_number: str,
        name: str,
        verification_type: str,
        country_code: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> str:
        """Add a phone number to a WABA and send its OTP; returns the new phone-number id.

        ``phone_number`` is without country code, ``country_code`` like "+91", ``verification_type``
        "SMS" or "VOICE" (see :class:`CodeMethod`), ``name`` the display name (at most 255).
        Reference: https://developers.kaleyra.io/docs/wa-v2-add-phone-number
        """
        call = ops.add_number(self.sid, waba_id, phone_number, name, verification_type, country_code)
        return self._request(call, request_options)

    def verify_number(
        self,
        waba_id: str,
        id: str,
        phone_number: str,
        otp: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> str:
        """Verify a newly added number with its 6-digit OTP; returns the phone-number id.

        ``id`` is what :meth:`add_number` returned, ``phone_number`` includes the country code.
        Reference: https://developers.kaleyra.io/docs/wa-v2-verify-phone-number
        """
        call = ops.verify_number(self.sid, waba_id, id, phone_number, otp)
        return self._request(call, request_options)

    def update_number(
        self,
        waba_id: str,
        phone_number: str,
        *,
        address: str | None = None,
        description: str | None = None,
        incoming_url: str | None = None,
        category: str | None = None,
        email: str | None = None,
        about: str | None = None,
        callback_profile_id: str | None = None,
        outgoing_callback_profile_id: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> None:
        """Update a number's profile and callbacks; only the fields given are sent.

        ``incoming_url`` applies to v1 numbers, ``callback_profile_id`` to v2 numbers; ``category``
        is a :class:`BusinessCategory`. Reference:
        https://developers.kaleyra.io/docs/wa-v2-update-phone-number-details
        """
        fields = {
            "address": address,
            "description": description,
            "incoming_url": incoming_url,
            "category": category,
            "email": email,
            "about": about,
            "callback_profile_id": callback_profile_id,
            "outgoing_callback_profile_id": outgoing_callback_profile_id,
        }
        self._request(ops.update_number(self.sid, waba_id, phone_number, fields), request_options)

    def get_number_details(
        self,
        business_phone_number: str,
        api_version: ops.ApiVersion = "v2",
        *,
        request_options: RequestOptions | None = None,
    ) -> PhoneNumberDetails:
        """Status, quality, limits, throughput and health of a number (digits with country code).

        ``api_version`` picks the ``/v1`` or ``/v2`` path, matching the WABA's Kaleyra API version.
        Reference: https://developers.kaleyra.io/docs/fetch-phone-number-details
        """
        call = ops.get_number_details(self.sid, business_phone_number, api_version)
        return self._request(call, request_options)

    def create_callback_profile(
        self,
        title: str,
        http_method: str,
        url: str,
        *,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        events: list[str] | None = None,
        response_message: str | None = None,
        channel: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> CallbackProfile:
        """Create a callback profile; returns it with its new ``profile_id`` (a UUID).

        ``body`` is the POST/PUT template with dynamic variables (``"<event>"``), ``events`` what the
        profile receives (``"phone_number_quality_update"``). Deliveries are signed with Standard
        Webhooks; the secret is shown by ``wanumbers profiles secret``.
        Reference: https://developers.kaleyra.io/docs/platform-apis-create-callback-profiles
        """
        fields = {
            "title": title,
            "http_method": http_method,
            "url": url,
            "body": body,
            "headers": headers,
            "events": events,
            "response_message": response_message,
            "channel": channel,
        }
        return self._request(profile_ops.create(self.sid, fields), request_options)

    def list_callback_profiles(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        title: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> list[CallbackProfile]:
        """The account's callback profiles, newest first (``limit`` 25 by default); ``title`` filters
        on text the title contains.
        Reference: https://developers.kaleyra.io/docs/platform-apis-get-callback-profiles-detail
        """
        return self._request(profile_ops.listing(self.sid, limit, offset, title), request_options)

    def get_callback_profile(
        self, profile_id: str, *, request_options: RequestOptions | None = None
    ) -> CallbackProfile:
        """One callback profile (another account's id is "not found": ``KaleyraNotFoundError``).
        Reference: https://developers.kaleyra.io/docs/platform-apis-get-callback-profile-by-id
        """
        return self._request(profile_ops.get(self.sid, profile_id), request_options)

    def update_callback_profile(
        self,
        profile_id: str,
        *,
        title: str | None = None,
        http_method: str | None = None,
        url: str | None = None,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        events: list[str] | None = None,
        response_message: str | None = None,
        channel: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> CallbackProfile:
        """Change the fields given (PATCH); the others keep their value. ``body={}`` clears the
        template, ``events=[]`` unsubscribes from everything.
        Reference: https://developers.kaleyra.io/docs/platform-apis-update-callback-profile-by-id
        """
        fields = {
            "title": title,
            "http_method": http_method,
            "url": url,
            "body": body,
            "headers": headers,
            "events": events,
            "response_message": response_message,
            "channel": channel,
        }
        return self._request(profile_ops.update(self.sid, profile_id, fields), request_options)

    def delete_callback_profile(
        self, profile_id: str, *, request_options: RequestOptions | None = None
    ) -> None:
        """Delete a callback profile.
        Reference: https://developers.kaleyra.io/docs/platform-apis-delete-callback-profile-by-id
        """
        self._request(profile_ops.delete(self.sid, profile_id), request_options)


class AsyncKaleyra(AsyncHTTPClient):
    """The async twin of :class:`Kaleyra`: same methods and arguments, awaited."""

    def __init__(
        self,
        sid: str,
        api_key: str,
        pod: Pod = "IN",
        base_url: str | None = None,
        **options: Unpack[AsyncClientOptions],
    ) -> None:
        self.sid = sid
        self._args: dict[str, Any] = {
            "sid": sid,
            "api_key": api_key,
            "pod": pod,
            "base_url": base_url,
        }
        super().__init__(_contract(api_key, pod, base_url), options)

    def with_options(self, **options: Unpack[AsyncClientOptions]) -> Self:
        return type(self)(**self._args, **self._copy_options(dict(options)))

    async def add_number(
        self,
        waba_id: str,
        phone_number: str,
        name: str,
        verification_type: str,
        country_code: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> str:
        call = ops.add_number(self.sid, waba_id, phone_number, name, verification_type, country_code)
        return await self._request(call, request_options)

    async def verify_number(
        self,
        waba_id: str,
        id: str,
        phone_number: str,
        otp: str,
        *,
        request_options: RequestOptions | None = None,
    ) -> str:
        call = ops.verify_number(self.sid, waba_id, id, phone_number, otp)
        return await self._request(call, request_options)

    async def update_number(
        self,
        waba_id: str,
        phone_number: str,
        *,
        address: str | None = None,
        description: str | None = None,
        incoming_url: str | None = None,
        category: str | None = None,
        email: str | None = None,
        about: str | None = None,
        callback_profile_id: str | None = None,
        outgoing_callback_profile_id: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> None:
        fields = {
            "address": address,
            "description": description,
            "incoming_url": incoming_url,
            "category": category,
            "email": email,
            "about": about,
            "callback_profile_id": callback_profile_id,
            "outgoing_callback_profile_id": outgoing_callback_profile_id,
        }
        call = ops.update_number(self.sid, waba_id, phone_number, fields)
        await self._request(call, request_options)

    async def get_number_details(
        self,
        business_phone_number: str,
        api_version: ops.ApiVersion = "v2",
        *,
        request_options: RequestOptions | None = None,
    ) -> PhoneNumberDetails:
        call = ops.get_number_details(self.sid, business_phone_number, api_version)
        return await self._request(call, request_options)

    async def create_callback_profile(
        self,
        title: str,
        http_method: str,
        url: str,
        *,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        events: list[str] | None = None,
        response_message: str | None = None,
        channel: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> CallbackProfile:
        fields = {
            "title": title,
            "http_method": http_method,
            "url": url,
            "body": body,
            "headers": headers,
            "events": events,
            "response_message": response_message,
            "channel": channel,
        }
        return await self._request(profile_ops.create(self.sid, fields), request_options)

    async def list_callback_profiles(
        self,
        *,
        limit: int | None = None,
        offset: int | None = None,
        title: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> list[CallbackProfile]:
        return await self._request(profile_ops.listing(self.sid, limit, offset, title), request_options)

    async def get_callback_profile(
        self, profile_id: str, *, request_options: RequestOptions | None = None
    ) -> CallbackProfile:
        return await self._request(profile_ops.get(self.sid, profile_id), request_options)

    async def update_callback_profile(
        self,
        profile_id: str,
        *,
        title: str | None = None,
        http_method: str | None = None,
        url: str | None = None,
        body: dict[str, Any] | None = None,
        headers: dict[str, str] | None = None,
        events: list[str] | None = None,
        response_message: str | None = None,
        channel: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> CallbackProfile:
        fields = {
            "title": title,
            "http_method": http_method,
            "url": url,
            "body": body,
            "headers": headers,
            "events": events,
            "response_message": response_message,
            "channel": channel,
        }
        return await self._request(profile_ops.update(self.sid, profile_id, fields), request_options)

    async def delete_callback_profile(
        self, profile_id: str, *, request_options: RequestOptions | None = None
    ) -> None:
        await self._request(profile_ops.delete(self.sid, profile_id), request_options)


copy_docs(Kaleyra, AsyncKaleyra)
