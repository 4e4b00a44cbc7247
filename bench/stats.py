"""Small, dependency-free statistics: percentiles, medians and baseline ratios."""

from __future__ import annotations

import math
from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """Percentile ``q`` (0 to 100) with linear interpolation between closest ranks.

    Same definition as NumPy's default, so figures can be cross-checked with it.
    """
    if not values:
        raise ValueError("percentile of an empty sequence")
    if not 0.0 <= q <= 100.0:
        raise ValueError(f"percentile must be within 0..100, got {q}")
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100.0
    low = math.floor(rank)
    high = math.ceil(rank)
    if low == high:
        return float(ordered[low])
    weight = rank - low
    return float(ordered[low] * (1.0 - weight) + ordered[high] * weight)


def median(values: Sequence[float]) -> float:
    return percentile(values, 50.0)


def median_or_none(values: Sequence[float | None]) -> float | None:
    """Median of the values that were measured; ``None`` if none were."""
    present = [v for v in values if v is not None]
    return median(present) if present else None


def ratio(value: float | None, baseline: float | None) -> float | None:
    """``value / baseline``; ``None`` when either side is missing or the baseline is 0.

    A missing ratio is reported as such rather than as 0 or infinity, which would read
    as a measurement.
    """
    if value is None or baseline is None or baseline == 0:
        return None
    return value / baseline
