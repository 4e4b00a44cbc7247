"""Meta's business-profile rules: each field's limit at its boundary, each refusal's exact text and field,
and what ``""`` and unknown names do."""

from __future__ import annotations

from typing import Any

import pytest

from tests.server.domain.refusals import invalid
from wanumbers.server.domain.business_profile import (
    FIELDS,
    MAX_WEBSITE_CHARS,
    MAX_WEBSITES,
    PICTURE_BASE,
    TEXT_LIMITS,
    WRITABLE,
    apply_changes,
    render,
)
from wanumbers.server.domain.profile import VERTICALS
from wanumbers.server.domain.records import BusinessProfile

WEBSITE_RULE = "websites: each URL starts with http:// or https:// and is at most 256 characters"


def change(**given: Any) -> BusinessProfile:
    return apply_changes(BusinessProfile(), given)


def test_the_tables_are_metas() -> None:
    assert TEXT_LIMITS == {"about": 139, "address": 256, "description": 512, "email": 128}
    assert (MAX_WEBSITES, MAX_WEBSITE_CHARS) == (2, 256)
    assert FIELDS == (
        "about",
        "address",
        "description",
        "email",
        "profile_picture_url",
        "websites",
        "vertical",
    )
    assert WRITABLE == (
        "about",
        "address",
        "description",
        "email",
        "websites",
        "vertical",
        "profile_picture_handle",
    )
    assert PICTURE_BASE == "https://pps.whatsapp.net/v/wanumbers/"


def test_empty_string_clears_each_kind_of_field() -> None:
    current = BusinessProfile(
        about="a",
        address="b",
        description="c",
        email="e@x.io",
        websites=["https://x.io"],
        vertical="EDU",
        profile_picture_url=PICTURE_BASE + "h",
    )
    given = dict.fromkeys(WRITABLE, "")
    assert apply_changes(current, given) == BusinessProfile()


@pytest.mark.parametrize(("name", "limit"), sorted(TEXT_LIMITS.items()))
def test_each_text_field_is_capped_at_its_limit(name: str, limit: int) -> None:
    at_limit = "a" * (limit - len("@x.io")) + "@x.io" if name == "email" else "t" * limit
    assert getattr(change(**{name: at_limit}), name) == at_limit
    with invalid(f"{name} is at most {limit} characters", name):
        change(**{name: at_limit + "t"})


@pytest.mark.parametrize("name", sorted(TEXT_LIMITS))
@pytest.mark.parametrize("value", [None, 5, ["a"], True])
def test_text_fields_must_be_strings(name: str, value: Any) -> None:
    with invalid(f"{name} must be a string", name):
        change(**{name: value})


def test_text_is_stripped_before_it_is_measured_and_stored() -> None:
    padded = "  " + "a" * 139 + "\n"
    assert change(about=padded).about == "a" * 139
    assert change(about="   ").about is None


@pytest.mark.parametrize("email", ["nope", "a@b", "a b@x.io", "@x.io", "a@x.c", "a@@x.io"])
def test_malformed_emails_are_refused(email: str) -> None:
    with invalid("email is not a valid email address", "email"):
        change(email=email)


@pytest.mark.parametrize("email", ["a@x.io", "first.last@mail.example.com", " a@x.io "])
def test_well_formed_emails_pass(email: str) -> None:
    assert change(email=email).email == email.strip()


def test_only_the_email_field_is_checked_for_an_address() -> None:
    assert change(about="not an email").about == "not an email"


@pytest.mark.parametrize("value", ["https://x.io", None, 3, {"url": "https://x.io"}, ["https://x.io", 5]])
def test_websites_must_be_a_list_of_strings(value: Any) -> None:
    with invalid("websites must be a list of URLs", "websites"):
        change(websites=value)


def test_at_most_two_websites() -> None:
    two = ["https://a.io", "http://b.io"]
    assert change(websites=two).websites == two
    with invalid("websites: at most 2 URLs", "websites"):
        change(websites=[*two, "https://c.io"])


def test_a_website_is_at_most_256_characters() -> None:
    longest = "https://x.io/" + "p" * (256 - len("https://x.io/"))
    assert change(websites=[longest]).websites == [longest]
    with invalid(WEBSITE_RULE, "websites"):
        change(websites=[longest + "p"])


@pytest.mark.parametrize("url", ["ftp://x.io", "x.io", "https://", "https:// x.io", "javascript:alert(1)"])
def test_a_website_must_be_http_or_https(url: str) -> None:
    with invalid(WEBSITE_RULE, "websites"):
        change(websites=["https://ok.io", url])


def test_websites_are_copied_not_shared() -> None:
    given = ["HTTPS://X.IO/Path"]
    stored = change(websites=given).websites
    assert stored == given and stored is not given


@pytest.mark.parametrize("vertical", VERTICALS)
def test_every_vertical_is_accepted(vertical: str) -> None:
    assert change(vertical=vertical).vertical == vertical


@pytest.mark.parametrize("vertical", ["RETAILS", "retail", None, 1])
def test_other_verticals_are_refused_listing_metas(vertical: Any) -> None:
    with invalid("vertical must be one of " + ", ".join(VERTICALS), "vertical"):
        change(vertical=vertical)


def test_picture_handle_maps_to_a_stable_sanitised_url() -> None:
    first = change(profile_picture_handle=" 4::abc/d e?x=1 ")
    assert first.profile_picture_url == PICTURE_BASE + "4::abc_d_e_x_1"
    assert change(profile_picture_handle="A-z_0.9:").profile_picture_url == PICTURE_BASE + "A-z_0.9:"
    assert apply_changes(first, {"profile_picture_handle": "  "}).profile_picture_url is None


@pytest.mark.parametrize("handle", [None, 7, ["h"]])
def test_picture_handle_must_be_a_string(handle: Any) -> None:
    with invalid("profile_picture_handle must be a string", "profile_picture_handle"):
        change(profile_picture_handle=handle)


def test_unknown_and_read_only_names_change_nothing() -> None:
    current = BusinessProfile(about="a", profile_picture_url="https://elsewhere")
    given = {"messaging_product": "whatsapp", "profile_picture_url": "https://evil", "name": "x"}
    assert apply_changes(current, given) == current


def test_changes_leave_the_current_profile_untouched() -> None:
    current = BusinessProfile(about="a", email="e@x.io")
    changed = apply_changes(current, {"about": "b", "websites": ["https://x.io"]})
    assert changed == BusinessProfile(about="b", email="e@x.io", websites=["https://x.io"])
    assert current == BusinessProfile(about="a", email="e@x.io")


def test_render_omits_unset_and_always_names_the_product_last() -> None:
    profile = BusinessProfile(about="hi", websites=[], vertical="EDU")
    assert list(render(profile, ("vertical", "about", "email", "websites"))) == [
        "vertical",
        "about",
        "messaging_product",
    ]
    assert render(profile, ("about", "email", "websites")) == {"about": "hi", "messaging_product": "whatsapp"}
    # Graph answers an unset vertical as UNDEFINED (pywa reads the key unconditionally)
    assert render(BusinessProfile(), FIELDS) == {"vertical": "UNDEFINED", "messaging_product": "whatsapp"}


def test_render_shows_every_set_field() -> None:
    profile = BusinessProfile("a", "b", "c", "e@x.io", "EDU", ["https://x.io"], PICTURE_BASE + "p")
    assert render(profile, FIELDS) == {
        "about": "a",
        "address": "b",
        "description": "c",
        "email": "e@x.io",
        "profile_picture_url": PICTURE_BASE + "p",
        "websites": ["https://x.io"],
        "vertical": "EDU",
        "messaging_product": "whatsapp",
    }
