from __future__ import annotations

import pytest

from wanumbers.server.domain.business_profile import apply_changes, render
from wanumbers.server.domain.errors import DomainError
from wanumbers.server.domain.records import BusinessProfile


def test_empty_string_clears_each_kind_of_field() -> None:
    current = BusinessProfile(about="a", email="e@x.io", websites=["https://x.io"], vertical="EDU")
    cleared = apply_changes(current, {"about": "", "email": "", "websites": "", "vertical": ""})
    assert cleared == BusinessProfile()


def test_description_is_512_on_meta() -> None:
    assert apply_changes(BusinessProfile(), {"description": "d" * 512}).description == "d" * 512
    with pytest.raises(DomainError):
        apply_changes(BusinessProfile(), {"description": "d" * 513})


def test_render_omits_unset_and_always_names_the_product() -> None:
    profile = BusinessProfile(about="hi")
    assert render(profile, ("about", "email", "websites")) == {"about": "hi", "messaging_product": "whatsapp"}


def test_picture_handle_maps_to_a_stable_url() -> None:
    first = apply_changes(BusinessProfile(), {"profile_picture_handle": "4::abc"})
    second = apply_changes(BusinessProfile(), {"profile_picture_handle": "4::abc"})
    assert first.profile_picture_url == second.profile_picture_url
    assert apply_changes(first, {"profile_picture_handle": ""}).profile_picture_url is None
