"""A real third-party webhook receiver: pywa's FastAPI integration (signature validation on), served
by uvicorn in a thread on a free loopback port. Stopping and starting it again on the same port is a
receiver that was down for a while."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from fastapi import FastAPI, Request, Response
from pywa import WhatsApp
from pywa.types import AccountUpdate, RawUpdate

from tests._processes import free_port

VERIFY_TOKEN = "xyzzy-verify"
START_TIMEOUT = 10.0


@dataclass
class PywaReceiver:
    app_secret: str
    port: int = field(default_factory=free_port)
    raw: list[dict[str, Any]] = field(default_factory=list)  # as pywa's handlers saw them (any order)
    accepted: list[bytes] = field(default_factory=list)  # bodies pywa answered 2xx, in arrival order
    account_updates: list[AccountUpdate] = field(default_factory=list)
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def _app(self) -> FastAPI:
        app = FastAPI()

        @app.middleware("http")
        async def record(request: Request, call_next: Any) -> Response:
            # pywa answers first and runs its handlers in background tasks, so their order is not the
            # order of arrival; this records what pywa accepted, as it arrived.
            body = await request.body()
            response: Response = await call_next(request)
            if request.method == "POST" and 200 <= response.status_code < 300:
                self.accepted.append(body)
            return response

        wa = WhatsApp(
            token="not-used",  # nothing is sent to Meta: no callback_url, so pywa registers nothing
            server=app,
            webhook_endpoint="/hook",
            verify_token=VERIFY_TOKEN,
            app_secret=self.app_secret,
            validate_updates=True,
        )

        @wa.on_raw_update
        def raw(_: WhatsApp, update: RawUpdate) -> None:
            self.raw.append(dict(update))

        @wa.on_account_update
        def account(_: WhatsApp, update: AccountUpdate) -> None:
            self.account_updates.append(update)

        return app

    def start(self) -> PywaReceiver:
        self._server, self._thread = _serve(self._app(), self.port, "warning", "the pywa receiver")
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._thread.join(START_TIMEOUT)
            self._server = self._thread = None

    def updates(self) -> list[dict[str, Any]]:
        return [json.loads(body) for body in self.accepted]

    def fields(self) -> list[tuple[str, str]]:
        """(field, event or decision) of every change pywa accepted, in arrival order."""
        found = []
        for update in self.updates():
            for entry in update["entry"]:
                for change in entry["changes"]:
                    value = change["value"]
                    found.append((change["field"], value.get("event") or value.get("decision")))
        return found


def eventually(condition: Any, timeout: float = 5.0) -> None:
    """pywa's handlers run after its answer: wait (bounded) for what they record."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("the receiver's handlers did not get there in time")
        time.sleep(0.01)


@dataclass
class ScriptedReceiver:
    """A receiver that answers what the test scripts: a status, headers, a delay, a body size; it
    records every request (and answers Meta's handshake with ``challenge_answer`` if set)."""

    status: int = 200
    headers: list[tuple[bytes, bytes]] = field(default_factory=list)
    delay: float = 0.0
    body_size: int = 2
    challenge_answer: str | None = None  # None: echo the challenge
    port: int = field(default_factory=free_port)
    requests: list[tuple[str, str, bytes, dict[str, str]]] = field(default_factory=list)
    _server: uvicorn.Server | None = None
    _thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        import asyncio
        from urllib.parse import parse_qs

        if scope["type"] != "http":
            return
        body = b""
        while True:
            message = await receive()
            body += message.get("body", b"")
            if not message.get("more_body"):
                break
        headers = {name.decode().lower(): value.decode() for name, value in scope["headers"]}
        query = scope.get("query_string", b"").decode()
        self.requests.append((scope["method"], query, body, headers))
        if scope["method"] == "GET":
            challenge = parse_qs(query).get("hub.challenge", [""])[0]
            answer = (self.challenge_answer if self.challenge_answer is not None else challenge).encode()
            await send({"type": "http.response.start", "status": 200, "headers": []})
            await send({"type": "http.response.body", "body": answer})
            return
        if self.delay:
            await asyncio.sleep(self.delay)
        await send({"type": "http.response.start", "status": self.status, "headers": self.headers})
        chunk = b"x" * 65536
        left = self.body_size
        while left > 0:
            part = chunk[: min(left, len(chunk))]
            left -= len(part)
            try:
                await send({"type": "http.response.body", "body": part, "more_body": left > 0})
            except Exception:
                return

    def posts(self) -> list[bytes]:
        return [body for method, _, body, _ in self.requests if method == "POST"]

    def start(self) -> ScriptedReceiver:
        self._server, self._thread = _serve(self, self.port, "critical", "the scripted receiver")
        return self

    def stop(self) -> None:
        if self._server is not None and self._thread is not None:
            self._server.should_exit = True
            self._server.force_exit = True
            self._thread.join(START_TIMEOUT)
            self._server = self._thread = None


def _serve(app: Any, port: int, log_level: str, what: str) -> tuple[uvicorn.Server, threading.Thread]:
    """``app`` on a real loopback port, in a thread, once it accepts connections (bounded wait)."""
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level=log_level, lifespan="off")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + START_TIMEOUT
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"{what} did not start")
        time.sleep(0.02)
    return server, thread
