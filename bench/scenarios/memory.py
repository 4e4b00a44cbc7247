"""S7: peak RSS (VmHWM) of a serving process with 1M numbers in its store.

Read after the S3 paging rounds hit that server, so the figure includes whatever the
service caches while serving; the baseline's peak RSS is the reference.
"""

from __future__ import annotations

from bench.context import Context
from bench.model import ScenarioResult, Skip
from bench.stats import ratio

TARGET_MB = 150.0


def s7(ctx: Context, base: ScenarioResult) -> list[ScenarioResult]:
    store = ctx.store("sqlite", ctx.config.big_store_size)
    server = ctx.server(store)
    peak = server.peak_rss_mb()
    if peak is None:
        raise Skip("could not read VmHWM from /proc (not Linux?)")
    return [
        ScenarioResult(
            key="s7",
            title=f"S7 peak RSS, {store.size:,} numbers (SQLite)",
            peak_rss_mb=peak,
            ratio=ratio(peak, base.peak_rss_mb),
            ratio_of="RSS",
            metrics={"seed s": round(store.seed_s, 1)},
            target=f"≤{TARGET_MB:.0f} MB",
            target_met=peak <= TARGET_MB,
        )
    ]
