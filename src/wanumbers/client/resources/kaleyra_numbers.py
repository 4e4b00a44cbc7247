"""Kaleyra's WhatsApp phone-number API (v2, and v1 for details).

References:
https://developers.kaleyra.io/docs/wa-v2-add-phone-number,
https://developers.kaleyra.io/docs/wa-v2-verify-phone-number,
https://developers.kaleyra.io/docs/wa-v2-update-phone-number-details,
https://developers.kaleyra.io/docs/fetch-phone-number-details
"""

from __future__ import annotations

from typing import Any, Literal

from .._base import Call, join_path
from ..types.kaleyra_envelope import KaleyraEnvelope
from ..types.phone_number import PhoneNumberDetails

__all__ = ["add_number", "get_number_details", "update_number", "verify_number"]

ApiVersion = Literal["v1", "v2"]


def _data_id(body: Any) -> str:
    """The new phone-number id Kaleyra returns in ``data`` (a string in the seeds)."""
    data = KaleyraEnvelope.model_validate(body).data
    if isinstance(data, bool) or not isinstance(data, str | int) or data == "":
        raise ValueError(f"expected a phone number id in 'data', got {data!r}")
    return str(data)


def _nothing(body: Any) -> None:
    KaleyraEnvelope.model_validate(body)  # data is 1; the success code is all that matters


def _details(body: Any) -> PhoneNumberDetails:
    # The seeds return the document bare; tolerate it inside a WA200 envelope as well.
    if isinstance(body, dict) and body.get("code") == "WA200" and isinstance(body.get("data"), dict):
        body = body["data"]
    return PhoneNumberDetails.model_validate(body)


def add_number(
    sid: str, waba_id: str, phone_number: str, name: str, verification_type: str, country_code: str
) -> Call[str]:
    body = {
        "phone_number": phone_number,
        "name": name,
        "verification_type": str(verification_type),
        "country_code": country_code,
    }
    path = join_path("v2", sid, "whatsapp", waba_id, "number", "add")
    return Call("POST", path, _data_id, json=body)


def verify_number(sid: str, waba_id: str, id: str, phone_number: str, otp: str) -> Call[str]:
    # The seed's sample sends id as a bare number while its table says String; a string keeps
    # 15+ digit ids exact in every JSON parser.
    body = {"id": str(id), "phone_number": phone_number, "otp": otp}
    path = join_path("v2", sid, "whatsapp", waba_id, "number", "verify")
    return Call("POST", path, _data_id, json=body)


def update_number(sid: str, waba_id: str, phone_number: str, fields: dict[str, str | None]) -> Call[None]:
    # Only fields the caller gave are sent: an absent field means "leave unchanged".
    body = {"phone_number": phone_number, **{k: str(v) for k, v in fields.items() if v is not None}}
    path = join_path("v2", sid, "whatsapp", waba_id, "number", "update")
    return Call("PUT", path, _nothing, json=body)


def get_number_details(
    sid: str, business_phone_number: str, api_version: ApiVersion
) -> Call[PhoneNumberDetails]:
    if api_version not in ("v1", "v2"):
        raise ValueError(f"api_version must be 'v1' or 'v2', not {api_version!r}")
    # The path takes digits only ("914XXXXXX139"); a leading "+" is a common slip, so drop it.
    number = business_phone_number.lstrip("+")
    path = join_path(api_version, sid, "whatsapp", number, "phone_number_details")
    return Call("GET", path, _details)
