"""What ``GET /metrics`` reports, in Prometheus' text format (the ``prometheus-client`` library).

With ``--workers N`` every worker counts into files of its own under ``PROMETHEUS_MULTIPROC_DIR``
(``serve`` makes a fresh folder for the run unless one is given) and a scrape of any worker adds them
up, so the figures are the service's, not the answering worker's. prometheus-client picks the mode when
it is imported, so the folder is set before a worker starts.

The hot path is two plain dict increments per request (``record_request``: ~0.5 µs, where
prometheus-client's own counter and histogram cost 1.7 µs, 3.7 µs in multiprocess mode); the tallies
are handed to prometheus-client at most a second later (``flush``: a timer on the worker's loop, and
before every scrape), one ``inc(n)`` per label set and bucket. Label values are few and fixed
(contract, route template from the one route table, method, status), never a raw path.
"""

from __future__ import annotations

import asyncio
import glob
import os
from bisect import bisect_left
from collections.abc import Callable, Iterable
from typing import Any

from prometheus_client import CollectorRegistry, Counter, Histogram, disable_created_metrics, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import REGISTRY, Collector

# No *_created series: they double what a scrape carries.
disable_created_metrics()  # type: ignore[no-untyped-call]
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"
CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
REQUESTS = Counter(
    "wanumbers_http_requests",
    "HTTP requests answered, by contract, route (the route table's name) and status.",
    ["contract", "route", "method", "status"],
)
LATENCY = Histogram(
    "wanumbers_http_request_duration_seconds",
    "Time from the request's arrival to the end of its answer.",
    ["contract", "route"],
    buckets=BUCKETS,
)
RATE_LIMITED = Counter(
    "wanumbers_rate_limited", "Requests refused by the per-credential rate limit.", ["contract"]
)
OTPS_SENT = Counter(
    "wanumbers_otps_sent", "Verification codes sent, by channel and upstream.", ["channel", "upstream"]
)
EVENT_DELIVERIES = Counter(
    "wanumbers_event_deliveries",
    "Webhook delivery attempts by producer (meta, kaleyra) and outcome (delivered, retry, dead).",
    ["producer", "outcome"],
)
STORE_ERRORS = Counter(
    "wanumbers_store_errors",
    "Store operations that failed: a bound exceeded (timeout) or the connection refused (unavailable).",
    ["kind"],
)

FLUSH_AFTER = 1.0  # seconds: how far /metrics may lag behind a worker that is not the one scraped

# Tallies since the last flush: requests by (contract, route, method, status); latency by (contract,
# route) as [count per bucket (the last one +Inf)..., sum of seconds].
_requests: dict[tuple[str, str, str, int], int] = {}
_latency: dict[tuple[str, str], list[float]] = {}
_flush_on: asyncio.AbstractEventLoop | None = None  # the loop a flush is scheduled on


def record_request(contract: str, route: str, method: str, status: int, seconds: float) -> None:
    global _flush_on
    key = (contract, route, method, status)
    _requests[key] = _requests.get(key, 0) + 1
    tally = _latency.get((contract, route))
    if tally is None:
        tally = _latency[(contract, route)] = [0.0] * (len(BUCKETS) + 2)
    tally[bisect_left(BUCKETS, seconds)] += 1
    tally[-1] += seconds
    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:  # no loop (a synchronous caller): hand them over now
        flush()
        return
    if _flush_on is not loop:  # none scheduled, or on a loop that has ended since (tests)
        _flush_on = loop
        loop.call_later(FLUSH_AFTER, flush)


def flush() -> None:
    """Hand the tallies to prometheus-client (its files, in multiprocess mode)."""
    global _flush_on
    _flush_on = None
    requests, latency = dict(_requests), dict(_latency)
    _requests.clear()
    _latency.clear()
    for (contract, route, method, status), count in requests.items():
        REQUESTS.labels(contract, route, method, str(status)).inc(count)
    for labels, tally in latency.items():
        child = LATENCY.labels(*labels)
        # prometheus-client has no batch observe; its children keep one value per bucket (not cumulative,
        # summed when collected) and the sum, which take inc(n) like any value.
        for index, observed in enumerate(tally[:-1]):
            if observed:
                child._buckets[index].inc(observed)
        child._sum.inc(tally[-1])


def rate_limited(contract: str) -> None:
    RATE_LIMITED.labels(contract).inc()


def otp_sent(channel: str, upstream: str) -> None:
    OTPS_SENT.labels(channel, upstream).inc()


def event_delivery(producer: str, outcome: str) -> None:
    EVENT_DELIVERIES.labels(producer, outcome).inc()


def store_error(kind: str) -> None:
    STORE_ERRORS.labels(kind).inc()


class PoolCollector(Collector):
    """The store's connections, read when scraped (nothing on the request path): the answering
    worker's, labelled with its pid, since a pool belongs to one process."""

    def __init__(self, stats: Callable[[], dict[str, int]]) -> None:
        self._stats = stats

    def collect(self) -> Iterable[Any]:
        family = GaugeMetricFamily(
            "wanumbers_store_connections",
            "The store's connections in this worker: open, idle (PostgreSQL) and the pool's maximum.",
            labels=["state", "pid"],
        )
        for state, value in self._stats().items():
            family.add_metric([state, str(os.getpid())], value)
        yield family


class SizedFiles(MultiProcessCollector):
    """prometheus-client's multiprocess collector, leaving out the files a worker has created but not
    yet sized: they hold nothing, and one read at 0 bytes fails the whole scrape (``struct.error``;
    prometheus/client_python#1199); a worker killed in that moment would leave one for good."""

    def collect(self) -> Iterable[Any]:
        files = [path for path in glob.glob(os.path.join(self._path, "*.db")) if _size(path) > 0]
        merged: Iterable[Any] = self.merge(files, accumulate=True)  # type: ignore[no-untyped-call]
        return merged


def _size(path: str) -> int:
    try:
        return os.path.getsize(path)
    except OSError:  # gone since the listing (a worker's files removed as it ended)
        return 0


def exposition(pool_stats: Callable[[], dict[str, int]] | None = None) -> bytes:
    """The text a scrape answers: every worker's counters (multiprocess) or this process's."""
    flush()
    if os.environ.get(MULTIPROC_ENV):
        registry = CollectorRegistry()
        SizedFiles(registry)  # type: ignore[no-untyped-call]
        text = generate_latest(registry)
    else:
        text = generate_latest(REGISTRY)
    if pool_stats is not None:
        pools = CollectorRegistry()
        pools.register(PoolCollector(pool_stats))
        text += generate_latest(pools)
    return text
