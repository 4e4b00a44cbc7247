"""``CloudAPI`` and ``AsyncCloudAPI``: clients for Meta's Graph (Cloud API) phone-number endpoints.

Method names follow seed 004 (the meta-cloud-api SDK) in Python spelling. Every per-number method
takes ``phone_number_id=`` to override the client's default, every WABA method ``waba_id=``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any, Self, Unpack

from pydantic import BaseModel

from ._base import ClientOptions, Contract, RequestOptions
from ._error_map import graph_error
from ._http import SyncHTTPClient
from .resources import phone_number_settings as cfg
from .resources import phone_numbers as ops
from .types.business_profile import BusinessProfile
from .types.conversational_automation import Command, ConversationalAutomation
from .types.page import Page
from .types.phone_number import PhoneNumber
from .types.settings import PhoneNumberSettings
from .types.success import SuccessResponse
from .types.throughput_info import ThroughputInfo

__all__ = ["DEFAULT_GRAPH_URL", "DEFAULT_GRAPH_VERSION", "CloudAPI"]

DEFAULT_GRAPH_VERSION = "v23.0"
DEFAULT_GRAPH_URL = "https://graph.facebook.com"

Section = BaseModel | Mapping[str, Any] | None


def _is_graph_error(body: Any) -> bool:
    return isinstance(body, dict) and isinstance(body.get("error"), dict)


class _GraphIds:
    """Default ids and their per-call overrides, shared by both flavours."""

    def __init__(
        self, access_token: str, phone_number_id: str | None, waba_id: str | None, api_version: str
    ) -> None:
        self.phone_number_id = phone_number_id
        self.waba_id = waba_id
        self.api_version = api_version
        self._args: dict[str, Any] = {
            "access_token": access_token,
            "phone_number_id": phone_number_id,
            "waba_id": waba_id,
            "api_version": api_version,
        }

    def _phone(self, override: str | None) -> str:
        if (phone_id := override or self.phone_number_id) is None:
            raise ValueError("phone_number_id is required (pass it here or to the client)")
        return phone_id

    def _waba(self, override: str | None) -> str:
        if (waba_id := override or self.waba_id) is None:
            raise ValueError("waba_id is required (pass it here or to the client)")
        return waba_id


def _contract(access_token: str, base_url: str) -> Contract:
    return Contract(
        base_url=base_url,
        auth_headers={"Authorization": f"Bearer {access_token}"},
        is_error_body=_is_graph_error,
        error_for=graph_error,
    )


def _next_after(page: Page[PhoneNumber], seen: set[str]) -> str | None:
    """The cursor of the next page; ``None`` at the end or if a server repeats a cursor."""
    cursor = page.next_cursor
    if cursor is None or cursor in seen:
        return None
    seen.add(cursor)
    return cursor


class CloudAPI(_GraphIds, SyncHTTPClient):
    """Meta's WhatsApp Cloud API phone-number endpoints over the Graph API.

    >>> graph = CloudAPI(access_token="EAAG...", phone_number_id="1234567890")  # doctest: +SKIP
    >>> graph.get_throughput().level  # doctest: +SKIP
    Reference: https://developers.facebook.com/docs/whatsapp/cloud-api/phone-numbers
    """

    def __init__(
        self,
        access_token: str,
        phone_number_id: str | None = None,
        waba_id: str | None = None,
        api_version: str = DEFAULT_GRAPH_VERSION,
        base_url: str = DEFAULT_GRAPH_URL,
        **options: Unpack[ClientOptions],
    ) -> None:
        _GraphIds.__init__(self, access_token, phone_number_id, waba_id, api_version)
        self._args["base_url"] = base_url
        SyncHTTPClient.__init__(self, _contract(access_token, base_url), options)

    def with_options(self, **options: Unpack[ClientOptions]) -> Self:
        """A copy with some knobs changed, sharing this client's connection pool."""
        return type(self)(**self._args, **self._copy_options(dict(options)))

    def get_phone_number_by_id(
        self,
        fields: Sequence[str] | None = None,
        phone_number_id: str | None = None,
        *,
        request_options: RequestOptions | None = None,
    ) -> PhoneNumber:
        """Read a phone number; ``fields`` picks what Graph returns (default: id, name, quality).

        Reference: https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account-to-number-current-status/
        """
        call = ops.get_phone_number(self.api_version, self._phone(phone_number_id), fields)
        return self._request(call, request_options)

    def get_phone_numbers(
        self,
        fields: Sequence[str] | None = None,
        filtering: Sequence[Mapping[str, Any]] | None = None,
        sort: str | None = None,
        limit: int | None = None,
        after: str | None = None,
        before: str | None = None,
        waba_id: str | None = None,
        *,
        request_options: RequestOptions | None = None,
    ) -> Page[PhoneNumber]:
        """One page of a WABA's numbers; see :meth:`iter_phone_numbers` to walk all pages.

        ``filtering`` is a list of ``{"field", "operator", "value"}``; ``sort`` one of
        ``creation_time.asc|desc``, ``last_onboarded_time.asc|desc``; ``limit`` 1..100.
        Reference: https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account/phone_numbers/
        """
        call = ops.list_phone_numbers(
            self.api_version,
            self._waba(waba_id),
            fields=fields,
            filtering=filtering,
            sort=sort,
            limit=limit,
            after=after,
            before=before,
        )
        return self._request(call, request_options)

    def iter_phone_numbers(
        self,
        fields: Sequence[str] | None = None,
        filtering: Sequence[Mapping[str, Any]] | None = None,
        sort: str | None = None,
        limit: int | None = None,
        waba_id: str | None = None,
        *,
        request_options: RequestOptions | None = None,
    ) -> Iterator[PhoneNumber]:
        """Every number of the WABA, fetching pages lazily by following ``after`` cursors."""
        after: str | None = None
        seen: set[str] = set()
        while True:
            page = self.get_phone_numbers(
                fields,
                filtering,
                sort,
                limit,
                after,
                None,
                waba_id,
                request_options=request_options,
            )
            yield from page.data
            if (after := _next_after(page, seen)) is None:
                return

    def create_phone_number(
        self,
        cc: str,
        phone_number: str,
        verified_name: str,
        waba_id: str | None = None,
        *,
        request_options: RequestOptions | None = None,
    ) -> str:
        """Add a number to the WABA; returns the (unverified) phone-number id.

        Reference: https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account/phone_numbers/#Creating
        """
        call = ops.create_phone_number(self.api_version, self._waba(waba_id), cc, phone_number, verified_name)
        return self._request(call, request_options)

    def request_verification_code(
        self,
        code_method: str,
        language: str,
        *,
        phone_number_id: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> SuccessResponse:
        """Send a verification code by "SMS" or "VOICE" in ``language`` (e.g. "en_US").

        Reference: https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account-to-number-current-status/request_code/
        """
        phone = self._phone(phone_number_id)
        call = ops.request_code(self.api_version, phone, code_method, language)
        return self._request(call, request_options)

    def verify_code(
        self,
        code: str,
        *,
        phone_number_id: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> SuccessResponse:
        """Submit the 6-digit code; a wrong or expired code raises :class:`VerificationError`.

        Reference: https://developers.facebook.com/docs/graph-api/reference/whats-app-business-account-to-number-current-status/verify_code/
        """
        call = ops.verify_code(self.api_version, self._phone(phone_number_id), code)
        return self._request(call, request_options)

    def register(
        self,
        pin: str,
        *,
        data_localization_region: str | None = None,
        phone_number_id: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> SuccessResponse:
        """Register a verified number for Cloud API messaging, setting its two-step ``pin``.

        Reference: https://developers.facebook.com/docs/whatsapp/cloud-api/reference/registration
        """
        phone = self._phone(phone_number_id)
        call = ops.register(self.api_version, phone, pin, data_localization_region)
        return self._request(call, request_options)

    def deregister(
        self, *, phone_number_id: str | None = None, request_options: RequestOptions | None = None
    ) -> SuccessResponse:
        """Deregister a number from Cloud API messaging.

        Reference: https://developers.facebook.com/docs/whatsapp/cloud-api/reference/registration
        """
        call = ops.deregister(self.api_version, self._phone(phone_number_id))
        return self._request(call, request_options)

    def set_conversational_automation(
        self,
        enable_welcome_message: bool | None = None,
        prompts: Sequence[str] | None = None,
        commands: Sequence[Command | Mapping[str, str]] | None = None,
        *,
        phone_number_id: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> SuccessResponse:
        """Set the welcome message, ice-breaker ``prompts`` and ``/commands`` (only parts given).

        Reference: https://developers.facebook.com/docs/whatsapp/cloud-api/phone-numbers/conversational-components
        """
        phone = self._phone(phone_number_id)
        call = cfg.set_conversational_automation(
            self.api_version, phone, enable_welcome_message, prompts, commands
        )
        return self._request(call, request_options)

    def get_conversational_automation(
        self, *, phone_number_id: str | None = None, request_options: RequestOptions | None = None
    ) -> ConversationalAutomation:
        """The current welcome-message, prompts and commands configuration.

        Reference: https://developers.facebook.com/docs/whatsapp/cloud-api/phone-numbers/conversational-components
        """
        call = cfg.get_conversational_automation(self.api_version, self._phone(phone_number_id))
        return self._request(call, request_options)

    def get_throughput(
        self, *, phone_number_id: str | None = None, request_options: RequestOptions | None = None
    ) -> ThroughputInfo:
        """Throughput ``level`` (STANDARD/HIGH) and ``messaging_limit_tier``, in one request.

        Reference: https://developers.facebook.com/docs/whatsapp/cloud-api/overview#throughput
        """
        call = cfg.get_throughput(self.api_version, self._phone(phone_number_id))
        return self._request(call, request_options)

    def get_business_profile(
        self, *, phone_number_id: str | None = None, request_options: RequestOptions | None = None
    ) -> BusinessProfile:
        """The number's WhatsApp Business profile.

        Reference: https://developers.facebook.com/docs/whatsapp/cloud-api/reference/business-profiles
        """
        call = cfg.get_business_profile(self.api_version, self._phone(phone_number_id))
        return self._request(call, request_options)

    def update_business_profile(
        self,
        *,
        about: str | None = None,
        address: str | None = None,
        description: str | None = None,
        email: str | None = None,
        websites: Sequence[str] | None = None,
        vertical: str | None = None,
        profile_picture_handle: str | None = None,
        phone_number_id: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> SuccessResponse:
        """Update profile fields given (``vertical`` is a :class:`BusinessVertical`).

        Reference: https://developers.facebook.com/docs/whatsapp/cloud-api/reference/business-profiles
        """
        fields = {
            "about": about,
            "address": address,
            "description": description,
            "email": email,
            "websites": list(websites) if websites is not None else None,
            "vertical": vertical,
            "profile_picture_handle": profile_picture_handle,
        }
        call = cfg.update_business_profile(self.api_version, self._phone(phone_number_id), fields)
        return self._request(call, request_options)

    def get_settings(
        self,
        *,
        include_sip_credentials: bool = False,
        phone_number_id: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> PhoneNumberSettings:
        """Calling (incl. SIP), payload-encryption and storage settings.

        Reference: https://developers.facebook.com/docs/whatsapp/cloud-api/calling/call-settings
        """
        phone = self._phone(phone_number_id)
        call = cfg.get_settings(self.api_version, phone, include_sip_credentials)
        return self._request(call, request_options)

    def update_settings(
        self,
        *,
        calling: Section = None,
        payload_encryption: Section = None,
        storage_configuration: Section = None,
        user_identity_change: Section = None,
        phone_number_id: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> SuccessResponse:
        """Update settings sections (models or mappings), e.g. ``calling={"sip": {...}}``.

        Reference: https://developers.facebook.com/docs/whatsapp/cloud-api/calling/call-settings
        """
        sections = {
            "calling": calling,
            "payload_encryption": payload_encryption,
            "storage_configuration": storage_configuration,
            "user_identity_change": user_identity_change,
        }
        call = cfg.update_settings(self.api_version, self._phone(phone_number_id), sections)
        return self._request(call, request_options)
