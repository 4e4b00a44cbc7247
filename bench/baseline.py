"""The baseline: a raw ASGI app returning the ~1.3 KB phone_number_details document.

The document is seed 000's first success sample (``data/details_sample.json``),
serialised once at import. Served on the same uvicorn settings as the service, it is
the ceiling every scenario is divided by: what the ASGI server alone costs per request.
Run it with ``uvicorn bench.baseline:app``.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]

DOCUMENT_PATH = Path(__file__).with_name("data") / "details_sample.json"
BODY = json.dumps(json.loads(DOCUMENT_PATH.read_text()), separators=(",", ":")).encode()
_HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(BODY)).encode()),
]
# Any path answers, so the baseline can be loaded with each scenario's own path list.
READY_PATH = "/"


async def app(scope: Scope, receive: Receive, send: Send) -> None:
    if scope["type"] == "lifespan":
        await _lifespan(receive, send)
        return
    if scope["type"] != "http":
        return
    await send({"type": "http.response.start", "status": 200, "headers": _HEADERS})
    await send({"type": "http.response.body", "body": BODY})


async def _lifespan(receive: Receive, send: Send) -> None:
    while True:
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        elif message["type"] == "lifespan.shutdown":
            await send({"type": "lifespan.shutdown.complete"})
            return
