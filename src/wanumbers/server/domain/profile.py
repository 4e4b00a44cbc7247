"""Business profile vocabulary: Kaleyra's categories map one-to-one onto Meta's verticals."""

from __future__ import annotations

CATEGORY_TO_VERTICAL: dict[str, str] = {
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

VERTICALS: tuple[str, ...] = (
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
