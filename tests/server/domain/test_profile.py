"""The business-profile vocabulary: seed 003's Kaleyra categories, each mapped onto Meta's vertical."""

from __future__ import annotations

from wanumbers.server.domain.profile import CATEGORY_TO_VERTICAL, VERTICALS

# Seed 003, in its order: "The following are the valid values: AUTOMOTIVE, BEAUTY_SPA_SALON, ..."
SEED_CATEGORIES = (
    "AUTOMOTIVE, BEAUTY_SPA_SALON, CLOTHING_APPAREL, EDUCATION, ENTERTAINMENT, EVENT_PLANNING_SERVICE, "
    "FINANCE_AND_BANKING, FOOD_GROCERY, PUBLIC_SERVICE, HOTEL_LODGING, MEDICAL_HEALTH, NON_PROFIT, "
    "PROFESSIONAL_SERVICES, SHOPPING_RETAIL, TRAVEL_TRANSPORTATION, RESTAURANT, OTHER"
)


def test_the_categories_are_seed_003s_in_its_order() -> None:
    assert ", ".join(CATEGORY_TO_VERTICAL) == SEED_CATEGORIES


def test_each_category_maps_onto_one_meta_vertical() -> None:
    assert CATEGORY_TO_VERTICAL == {
        "AUTOMOTIVE": "AUTO",
        "BEAUTY_SPA_SALON": "BEAUTY",
        "CLOTHING_APPAREL": "APPAREL",
        "EDUCATION": "EDU",
        "ENTERTAINMENT": "ENTERTAIN",
        "EVENT_PLANNING_SERVICE": "EVENT_PLAN",
        "FINANCE_AND_BANKING": "FINANCE",
        "FOOD_GROCERY": "GROCERY",
        "PUBLIC_SERVICE": "GOVT",
        "HOTEL_LODGING": "HOTEL",
        "MEDICAL_HEALTH": "HEALTH",
        "NON_PROFIT": "NONPROFIT",
        "PROFESSIONAL_SERVICES": "PROF_SERVICES",
        "SHOPPING_RETAIL": "RETAIL",
        "TRAVEL_TRANSPORTATION": "TRAVEL",
        "RESTAURANT": "RESTAURANT",
        "OTHER": "OTHER",
    }
    assert len(set(CATEGORY_TO_VERTICAL.values())) == len(CATEGORY_TO_VERTICAL)
    assert set(CATEGORY_TO_VERTICAL.values()) <= set(VERTICALS)


def test_the_verticals_are_metas() -> None:
    assert VERTICALS == (
        "UNDEFINED",
        "OTHER",
        "AUTO",
        "BEAUTY",
        "APPAREL",
        "EDU",
        "ENTERTAIN",
        "EVENT_PLAN",
        "FINANCE",
        "GROCERY",
        "GOVT",
        "HOTEL",
        "HEALTH",
        "NONPROFIT",
        "PROF_SERVICES",
        "RETAIL",
        "TRAVEL",
        "RESTAURANT",
        "NOT_A_BIZ",
        "ALCOHOL",
        "ONLINE_GAMBLING",
        "PHYSICAL_GAMBLING",
        "OTC_DRUGS",
    )
