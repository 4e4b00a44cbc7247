"""S6 probe: ``python -m bench.sandbox_probe --iterations N`` (run pinned to the server core).

Times a fresh in-process sandbox plus one add → OTP → verify → details round, N times,
against the same steps on the raw ASGI baseline (client + 3 in-process requests).
``sandbox_round`` holds every assumption about the sandbox API. Prints one JSON object.
"""

from __future__ import annotations

import argparse
import asyncio
import importlib
import json
import time
from collections.abc import Callable
from typing import Any

from bench.stats import median, percentile


def _pluck(obj: Any, *names: str) -> Any:
    """First attribute (or key) of ``obj`` among ``names``: tolerant of the exact spelling."""
    for name in names:
        if isinstance(obj, dict) and name in obj:
            return obj[name]
        if hasattr(obj, name):
            return getattr(obj, name)
    raise AttributeError(f"{type(obj).__name__} has none of {', '.join(names)}")


def _otp(sb: Any, e164: str) -> str:
    if hasattr(sb, "last_code"):
        return str(sb.last_code(e164))
    messages = list(_pluck(sb, "outbox")(e164))
    return str(_pluck(messages[0], "code"))


def _sdk_round(sb: Any, national: str) -> None:
    """Through the sandbox's own configured SDK client, as a user's test would."""
    kaleyra = sb.kaleyra
    waba_id = str(sb.waba_id)
    number_id = kaleyra.add_number(waba_id, national, "Bench", "SMS", "+91")
    kaleyra.verify_number(waba_id, number_id, f"+91{national}", _otp(sb, f"+91{national}"))
    kaleyra.get_number_details(f"91{national}")


def _asgi_round(sb: Any, national: str) -> None:
    """No SDK client on the sandbox (yet): the same three calls over httpx's ASGI transport."""
    import httpx

    base = f"/v2/{sb.sid}/whatsapp"
    e164 = f"+91{national}"

    async def go() -> None:
        transport = httpx.ASGITransport(app=sb.app)
        headers = {"api-key": sb.api_key}
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox", headers=headers) as c:
            add = {
                "phone_number": national,
                "name": "Bench",
                "verification_type": "SMS",
                "country_code": "+91",
            }
            added = (await c.post(f"{base}/{sb.waba_id}/number/add", json=add)).raise_for_status()
            verify = {"id": added.json()["data"], "phone_number": e164, "otp": _otp(sb, e164)}
            (await c.post(f"{base}/{sb.waba_id}/number/verify", json=verify)).raise_for_status()
            (await c.get(f"{base}/91{national}/phone_number_details")).raise_for_status()

    asyncio.run(go())


def sandbox_round(sandbox: Callable[[], Any], i: int) -> str:
    """One fresh sandbox, one add/verify/details round (the S6 unit of work); says which path."""
    national = f"98{i:08d}"
    with sandbox() as sb:
        if hasattr(sb, "kaleyra"):
            _sdk_round(sb, national)
            return "sandbox SDK client"
        _asgi_round(sb, national)
        return "httpx ASGITransport over sandbox.app"


def baseline_round(_i: int) -> None:
    """Reference: client + 3 in-process requests to the raw ASGI baseline, no store."""
    import httpx

    from bench.baseline import app

    async def go() -> None:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://sandbox") as client:
            for _ in range(3):
                (await client.get("/details")).raise_for_status()

    asyncio.run(go())


def _time(fn: Callable[[int], object], iterations: int) -> list[float]:
    fn(10**7)  # warm-up: first-call imports and caches are S5's business, not S6's
    times = []
    for i in range(iterations):
        started = time.perf_counter()
        fn(i)
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--iterations", type=int, default=50)
    iterations = parser.parse_args().iterations
    started = time.perf_counter()
    sandbox = importlib.import_module("wanumbers.testing").sandbox
    import_s = time.perf_counter() - started
    via = sandbox_round(sandbox, 10**7 + 1)
    service = _time(lambda i: sandbox_round(sandbox, i), iterations)
    base = _time(baseline_round, iterations)
    print(
        json.dumps(
            {
                "import_s": import_s,
                "median_ms": median(service) * 1000,
                "p99_ms": percentile(service, 99) * 1000,
                "baseline_median_ms": median(base) * 1000,
                "iterations": iterations,
                "via": via,
            }
        )
    )


if __name__ == "__main__":
    main()
