"""``AsyncCloudAPI``: the async twin of ``CloudAPI`` (its docstrings are copied over)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any, Self, Unpack

from ._base import AsyncClientOptions, RequestOptions
from ._cloud_client import (
    DEFAULT_GRAPH_URL,
    DEFAULT_GRAPH_VERSION,
    CloudAPI,
    Section,
    _contract,
    _GraphIds,
    _next_after,
)
from ._docs import copy_docs
from ._http import AsyncHTTPClient
from .resources import phone_number_settings as cfg
from .resources import phone_numbers as ops
from .types.business_profile import BusinessProfile
from .types.conversational_automation import Command, ConversationalAutomation
from .types.page import Page
from .types.phone_number import PhoneNumber
from .types.settings import PhoneNumberSettings
from .types.success import SuccessResponse
from .types.throughput_info import ThroughputInfo

__all__ = ["AsyncCloudAPI"]


class AsyncCloudAPI(_GraphIds, AsyncHTTPClient):
    """The async twin of :class:`CloudAPI`: same methods and arguments, awaited."""

    def __init__(
        self,
        access_token: str,
        phone_number_id: str | None = None,
        waba_id: str | None = None,
        api_version: str = DEFAULT_GRAPH_VERSION,
        base_url: str = DEFAULT_GRAPH_URL,
        **options: Unpack[AsyncClientOptions],
    ) -> None:
        _GraphIds.__init__(self, access_token, phone_number_id, waba_id, api_version)
        self._args["base_url"] = base_url
        AsyncHTTPClient.__init__(self, _contract(access_token, base_url), options)

    def with_options(self, **options: Unpack[AsyncClientOptions]) -> Self:
        return type(self)(**self._args, **self._copy_options(dict(options)))

    async def get_phone_number_by_id(
        self,
        fields: Sequence[str] | None = None,
        phone_number_id: str | None = None,
        *,
        request_options: RequestOptions | None = None,
    ) -> PhoneNumber:
        call = ops.get_phone_number(self.api_version, self._phone(phone_number_id), fields)
        return await self._request(call, request_options)

    async def get_phone_numbers(
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
        return await self._request(call, request_options)

    async def iter_phone_numbers(
        self,
        fields: Sequence[str] | None = None,
        filtering: Sequence[Mapping[str, Any]] | None = None,
        sort: str | None = None,
        limit: int | None = None,
        waba_id: str | None = None,
        *,
        request_options: RequestOptions | None = None,
    ) -> AsyncIterator[PhoneNumber]:
        after: str | None = None
        seen: set[str] = set()
        while True:
            page = await self.get_phone_numbers(
                fields,
                filtering,
                sort,
                limit,
                after,
                None,
                waba_id,
                request_options=request_options,
            )
            for number in page.data:
                yield number
            if (after := _next_after(page, seen)) is None:
                return

    async def create_phone_number(
        self,
        cc: str,
        phone_number: str,
        verified_name: str,
        waba_id: str | None = None,
        *,
        request_options: RequestOptions | None = None,
    ) -> str:
        call = ops.create_phone_number(self.api_version, self._waba(waba_id), cc, phone_number, verified_name)
        return await self._request(call, request_options)

    async def request_verification_code(
        self,
        code_method: str,
        language: str,
        *,
        phone_number_id: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> SuccessResponse:
        phone = self._phone(phone_number_id)
        call = ops.request_code(self.api_version, phone, code_method, language)
        return await self._request(call, request_options)

    async def verify_code(
        self,
        code: str,
        *,
        phone_number_id: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> SuccessResponse:
        call = ops.verify_code(self.api_version, self._phone(phone_number_id), code)
        return await self._request(call, request_options)

    async def register(
        self,
        pin: str,
        *,
        data_localization_region: str | None = None,
        phone_number_id: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> SuccessResponse:
        phone = self._phone(phone_number_id)
        call = ops.register(self.api_version, phone, pin, data_localization_region)
        return await self._request(call, request_options)

    async def deregister(
        self, *, phone_number_id: str | None = None, request_options: RequestOptions | None = None
    ) -> SuccessResponse:
        call = ops.deregister(self.api_version, self._phone(phone_number_id))
        return await self._request(call, request_options)

    async def set_conversational_automation(
        self,
        enable_welcome_message: bool | None = None,
        prompts: Sequence[str] | None = None,
        commands: Sequence[Command | Mapping[str, str]] | None = None,
        *,
        phone_number_id: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> SuccessResponse:
        phone = self._phone(phone_number_id)
        call = cfg.set_conversational_automation(
            self.api_version, phone, enable_welcome_message, prompts, commands
        )
        return await self._request(call, request_options)

    async def get_conversational_automation(
        self, *, phone_number_id: str | None = None, request_options: RequestOptions | None = None
    ) -> ConversationalAutomation:
        call = cfg.get_conversational_automation(self.api_version, self._phone(phone_number_id))
        return await self._request(call, request_options)

    async def get_throughput(
        self, *, phone_number_id: str | None = None, request_options: RequestOptions | None = None
    ) -> ThroughputInfo:
        call = cfg.get_throughput(self.api_version, self._phone(phone_number_id))
        return await self._request(call, request_options)

    async def get_business_profile(
        self, *, phone_number_id: str | None = None, request_options: RequestOptions | None = None
    ) -> BusinessProfile:
        call = cfg.get_business_profile(self.api_version, self._phone(phone_number_id))
        return await self._request(call, request_options)

    async def update_business_profile(
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
        return await self._request(call, request_options)

    async def get_settings(
        self,
        *,
        include_sip_credentials: bool = False,
        phone_number_id: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> PhoneNumberSettings:
        phone = self._phone(phone_number_id)
        call = cfg.get_settings(self.api_version, phone, include_sip_credentials)
        return await self._request(call, request_options)

    async def update_settings(
        self,
        *,
        calling: Section = None,
        payload_encryption: Section = None,
        storage_configuration: Section = None,
        user_identity_change: Section = None,
        phone_number_id: str | None = None,
        request_options: RequestOptions | None = None,
    ) -> SuccessResponse:
        sections = {
            "calling": calling,
            "payload_encryption": payload_encryption,
            "storage_configuration": storage_configuration,
            "user_identity_change": user_identity_change,
        }
        call = cfg.update_settings(self.api_version, self._phone(phone_number_id), sections)
        return await self._request(call, request_options)


copy_docs(CloudAPI, AsyncCloudAPI)
