"""Meta's business-profile rules (``/{PHONE_NUMBER_ID}/whatsapp_business_profile``).

Description is capped at 512 as Meta's docs say; the Kaleyra surface keeps Kaleyra's 256 (its own
check), so a profile written through Graph may be longer than the BSP would accept. ``""`` clears a
field, on both contracts.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.profile import VERTICALS
from wanumbers.server.domain.records import BusinessProfile

TEXT_LIMITS = {"about": 139, "address": 256, "description": 512, "email": 128}
MAX_WEBSITES = 2
MAX_WEBSITE_CHARS = 256
FIELDS = (
    "about",
    "address",
    "description",
    "email",
    "profile_picture_url",
    "websites",
    "vertical",
)
WRITABLE = (*TEXT_LIMITS, "websites", "vertical", "profile_picture_handle")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[A-Za-z0-9-]{2,}$")
_WEBSITE = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
PICTURE_BASE = "https://pps.whatsapp.net/v/wanumbers/"


def _invalid(detail: str, field: str) -> DomainError:
    return DomainError(Reason.INVALID_PARAMETER, detail, field=field)


def _text(name: str, value: Any) -> str | None:
    if not isinstance(value, str):
        raise _invalid(f"{name} must be a string", name)
    value = value.strip()
    if len(value) > TEXT_LIMITS[name]:
        raise _invalid(f"{name} is at most {TEXT_LIMITS[name]} characters", name)
    if name == "email" and value and not _EMAIL.match(value):
        raise _invalid("email is not a valid email address", name)
    return value or None


def _websites(value: Any) -> list[str]:
    if value == "":
        return []
    if not isinstance(value, list) or not all(isinstance(url, str) for url in value):
        raise _invalid("websites must be a list of URLs", "websites")
    if len(value) > MAX_WEBSITES:
        raise _invalid(f"websites: at most {MAX_WEBSITES} URLs", "websites")
    for url in value:
        if len(url) > MAX_WEBSITE_CHARS or not _WEBSITE.match(url):
            raise _invalid(
                f"websites: each URL starts with http:// or https:// and is at most {MAX_WEBSITE_CHARS} "
                "characters",
                "websites",
            )
    return list(value)


def _vertical(value: Any) -> str | None:
    if value == "":
        return None
    if value not in VERTICALS:
        raise _invalid("vertical must be one of " + ", ".join(VERTICALS), "vertical")
    return str(value)


def _picture(handle: Any) -> str | None:
    """The emulator plays the Resumable Upload API's part: any handle "uploads" to a stable URL."""
    if not isinstance(handle, str):
        raise _invalid("profile_picture_handle must be a string", "profile_picture_handle")
    handle = handle.strip()
    return PICTURE_BASE + re.sub(r"[^A-Za-z0-9_.:-]", "_", handle) if handle else None


def apply_changes(current: BusinessProfile, given: Mapping[str, Any]) -> BusinessProfile:
    """The profile after applying ``given`` (only Meta's writable names), validated field by field."""
    updates: dict[str, Any] = {}
    for name, value in given.items():
        if name in TEXT_LIMITS:
            updates[name] = _text(name, value)
        elif name == "websites":
            updates[name] = _websites(value)
        elif name == "vertical":
            updates[name] = _vertical(value)
        elif name == "profile_picture_handle":
            updates["profile_picture_url"] = _picture(value)
    return replace(current, **updates)


UNSET_VERTICAL = "UNDEFINED"  # what Graph answers for a profile that never chose one


def render(profile: BusinessProfile, names: tuple[str, ...]) -> dict[str, Any]:
    """Meta omits fields that were never set, except ``vertical``, which reads ``UNDEFINED`` (clients
    such as pywa require it); ``messaging_product`` is always there."""
    body: dict[str, Any] = {}
    for name in names:
        value = getattr(profile, name)
        if name == "vertical" and value is None:
            value = UNSET_VERTICAL
        if value not in (None, []):
            body[name] = value
    body["messaging_product"] = "whatsapp"
    return body
