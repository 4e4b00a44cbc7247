"""Kaleyra's callback-profile API (``/v1/{sid}/callback/profiles``).

References:
https://developers.kaleyra.io/docs/platform-apis-create-callback-profiles,
https://developers.kaleyra.io/docs/platform-apis-get-callback-profiles-detail,
https://developers.kaleyra.io/docs/platform-apis-get-callback-profile-by-id,
https://developers.kaleyra.io/docs/platform-apis-update-callback-profile-by-id,
https://developers.kaleyra.io/docs/platform-apis-delete-callback-profile-by-id
"""

from __future__ import annotations

from typing import Any

from .._base import Call, join_path
from ..types.callback_profile import CallbackProfile
from ..types.kaleyra_envelope import KaleyraEnvelope

__all__ = ["create", "delete", "get", "listing", "update"]


def _profile(body: Any) -> CallbackProfile:
    return CallbackProfile.model_validate(KaleyraEnvelope.model_validate(body).data)


def _profiles(body: Any) -> list[CallbackProfile]:
    data = KaleyraEnvelope.model_validate(body).data
    if not isinstance(data, list):
        raise ValueError(f"expected a list of profiles in 'data', got {data!r}")
    return [CallbackProfile.model_validate(item) for item in data]


def _nothing(body: Any) -> None:
    KaleyraEnvelope.model_validate(body)


def _given(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not None}


def _path(sid: str, *rest: str) -> str:
    return join_path("v1", sid, "callback", "profiles", *rest)


def create(sid: str, fields: dict[str, Any]) -> Call[CallbackProfile]:
    return Call("POST", _path(sid), _profile, json=_given(fields))


def listing(
    sid: str, limit: int | None, offset: int | None, title: str | None
) -> Call[list[CallbackProfile]]:
    params = {
        name: str(value)
        for name, value in (("limit", limit), ("offset", offset), ("title", title))
        if value is not None
    }
    return Call("GET", _path(sid), _profiles, params=params or None)


def get(sid: str, profile_id: str) -> Call[CallbackProfile]:
    return Call("GET", _path(sid, profile_id), _profile)


def update(sid: str, profile_id: str, fields: dict[str, Any]) -> Call[CallbackProfile]:
    # PATCH: only the fields given are sent; the others keep their value.
    return Call("PATCH", _path(sid, profile_id), _profile, json=_given(fields))


def delete(sid: str, profile_id: str) -> Call[None]:
    return Call("DELETE", _path(sid, profile_id), _nothing)
