"""Every Graph answer the suite produces, validated against the schemas of Meta's OpenAPI file.

The check sits on the service's ASGI entry (``Service.__call__``, patched for each test by the
``graph_schema_check`` fixture in ``tests/conftest.py``), so it sees what every client sees: the
TestClient, the SDK, pywa through the sandbox transport. After the test, any answer that does not
validate fails the test, with the operation, status and what was wrong.

Matching: the route that served the request names the operation (``graph.get_node`` is
``GET /{Version}/{Phone-Number-ID}``); the file's own paths cannot, because ``/{Version}/{X}`` is the
template of a phone number, a WABA, a business and more. A Graph path no route served (the router's
404/405, a guard's 413/429) is checked against the ``GraphAPIError`` envelope. The status must be
one the operation documents.

The file lives beside the repository (``../shared/reference/``, or ``WANUMBERS_META_OPENAPI``); when
it is missing, answers are not checked and ``test_schema_check.py`` says so by skipping.

The spec contradicts Meta's reference pages and real clients in places; where we follow the pages,
the difference is allowlisted in ``ALLOWLIST`` with its reason (docs/graph.md lists the same).
``WANUMBERS_SCHEMA_STRICT=1`` ignores the allowlist, to see every difference.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson
import yaml
from jsonschema import Draft202012Validator, FormatChecker, ValidationError
from referencing import Registry
from referencing.jsonschema import DRAFT202012
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from wanumbers.server.surfaces.graph.node_views import OPERATION_KEY

SPEC_NAME = "meta-business-messaging-api_v23.0.yaml"
_REPO = Path(__file__).resolve().parents[4]
_BASE = "urn:meta-openapi"
_PHONE = "/{Version}/{Phone-Number-ID}"
_WABA = "/{Version}/{WABA-ID}"

# Our route names (``.unversioned`` stripped) and the operation of Meta's file each one serves.
OPERATIONS: dict[str, tuple[str, str]] = {
    "graph.get_node": (_PHONE, "get"),
    "graph.update_node": (_PHONE, "post"),
    "graph.get_waba": (_WABA, "get"),
    "graph.list_numbers": (_WABA + "/phone_numbers", "get"),
    "graph.create_number": (_WABA + "/phone_numbers", "post"),
    "graph.request_code": (_PHONE + "/request_code", "post"),
    "graph.verify_code": (_PHONE + "/verify_code", "post"),
    "graph.register": (_PHONE + "/register", "post"),
    "graph.deregister": (_PHONE + "/deregister", "post"),
    "graph.set_automation": (_PHONE + "/conversational_automation", "post"),
    "graph.get_profile": (_PHONE + "/whatsapp_business_profile", "get"),
    "graph.update_profile": (_PHONE + "/whatsapp_business_profile", "post"),
    "graph.get_settings": (_PHONE + "/settings", "get"),
    "graph.update_settings": (_PHONE + "/settings", "post"),
}
ENVELOPE = "graph.error"  # a Graph path no route served: only the error envelope applies


@dataclass(frozen=True, slots=True)
class Contradiction:
    """A place where Meta's file disagrees with Meta's reference pages or with real clients, and we
    follow the pages. ``at`` is the failing location in the answer (list indexes as ``*``), or
    ``status:NNN`` for a status the file does not document for the operation."""

    operation: str
    at: str
    reason: str
    validator: str | None = None  # the JSON Schema keyword that failed, when only one is excused


_NOT_VERIFIED = "the file says VERIFIED|UNVERIFIED; Meta's docs and pywa say NOT_VERIFIED|VERIFIED|EXPIRED"
_UPPER = "Meta's call-settings pages and pywa write the calling enums in upper case; the file, lower case"
_NO_401 = "the file documents 401 (token errors) on every operation but the settings ones"

ALLOWLIST: tuple[Contradiction, ...] = (
    Contradiction("graph.get_node", "code_verification_status", _NOT_VERIFIED),
    Contradiction("graph.list_numbers", "data/*/code_verification_status", _NOT_VERIFIED),
    Contradiction(
        "graph.list_numbers",
        "data/*",
        "Graph returns only the fields asked for (`fields=`); the file marks id, display_phone_number "
        "and status required on every item",
        validator="required",
    ),
    Contradiction(
        "graph.list_numbers",
        "data/*/status",
        "the file's list enum lacks CONNECTED, the value Meta's phone-numbers doc and seed 000 show",
    ),
    Contradiction("graph.get_settings", "calling/status", _UPPER, validator="enum"),
    Contradiction("graph.get_settings", "calling/sip/status", _UPPER, validator="enum"),
    Contradiction("graph.get_settings", "calling/callback_permission_status", _UPPER, validator="enum"),
    Contradiction("graph.get_settings", "calling/call_hours/status", _UPPER, validator="enum"),
    Contradiction(
        "graph.get_settings",
        "storage_configuration/status",
        "Meta's local-storage page and pywa have NO_STORAGE_ENABLED (with retention_minutes); the "
        "file's enum has only default | in_country_storage_enabled",
        validator="enum",
    ),
    Contradiction(
        "graph.get_settings",
        "calling/srtp_key_exchange_protocol",
        "Meta's call-settings page and pywa: DTLS | SDES; the file: DTLS-SRTP | SDES-SRTP",
        validator="enum",
    ),
    Contradiction(
        "graph.get_settings",
        "calling/call_icon_visibility",
        "Meta's call-settings page and pywa: DEFAULT | DISABLE_ALL; the file: visible | hidden",
        validator="enum",
    ),
    Contradiction(
        "graph.get_settings",
        "calling",
        "ip_addresses (Meta's media relays) is in the file only, not on Meta's call-settings page; "
        "the emulator has no relays to list",
        validator="required",
    ),
    Contradiction(
        "graph.get_waba",
        "",
        "Graph returns only the fields asked for (`fields=`) and id; the file marks name required",
        validator="required",
    ),
    Contradiction(
        "graph.get_waba",
        "subscribed_apps",
        "an edge asked for as a field comes as {data: [...]}, as Graph expands edges and pywa reads it "
        "(subscribed_apps['data']); the file says a bare array",
        validator="type",
    ),
    Contradiction("graph.get_settings", "status:401", _NO_401),
    Contradiction("graph.update_settings", "status:401", _NO_401),
)

# Statuses our request guards add on every path (docs/guarantees.md: body size 413, path length 414,
# Idempotency-Key 409/422, rate limit 429); not Meta's, but still in Graph's error envelope.
GUARD_STATUSES = frozenset({409, 413, 414, 422, 429})

# Known gaps of ours (not contradictions of the file), each waiting for the change named; remove the
# entry with the change.
PENDING: tuple[Contradiction, ...] = ()


def spec_path() -> Path | None:
    """``WANUMBERS_META_OPENAPI``, else ``shared/reference/`` beside the repository or any folder
    above it (a worktree sits one level deeper than the main checkout)."""
    configured = os.environ.get("WANUMBERS_META_OPENAPI")
    if configured:
        return Path(configured) if Path(configured).is_file() else None
    for folder in _REPO.parents:
        candidate = folder / "shared" / "reference" / SPEC_NAME
        if candidate.is_file():
            return candidate
    return None


def _nullable(node: Any) -> Any:
    """The file is OpenAPI 3.1 but still writes 3.0's ``nullable: true``; JSON Schema ignores that
    keyword, so a ``null`` the file allows would fail. Rewrite it as the 3.1 type union."""
    if isinstance(node, list):
        return [_nullable(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {str(key): _nullable(value) for key, value in node.items()}
    if node.pop("nullable", False) is True and isinstance(node.get("type"), str):
        node["type"] = [node["type"], "null"]
    return node


@functools.cache
def load_spec(path: Path) -> dict[str, Any]:
    with path.open("rb") as handle:
        spec: dict[str, Any] = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    # A non-standard key that no OpenAPI or JSON Schema tool understands.
    spec.get("components", {}).pop("parameterGroups", None)
    fixed: dict[str, Any] = _nullable(spec)
    return fixed


def _escape(segment: str) -> str:
    return segment.replace("~", "~0").replace("/", "~1")


class Spec:
    """Meta's file, ready to validate answers of its operations."""

    def __init__(self, document: dict[str, Any]) -> None:
        self.document = document
        resource = DRAFT202012.create_resource(document)
        self._registry: Registry[Any] = Registry().with_resource(_BASE, resource)
        self._validators: dict[str, Draft202012Validator] = {}

    def _validator(self, pointer: str) -> Draft202012Validator:
        if pointer not in self._validators:
            self._validators[pointer] = Draft202012Validator(
                {"$ref": f"{_BASE}#{pointer}"}, registry=self._registry, format_checker=FormatChecker()
            )
        return self._validators[pointer]

    def _follow(self, pointer: str, node: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        ref = node.get("$ref")
        if not isinstance(ref, str):
            return pointer, node
        target: Any = self.document
        for part in ref.removeprefix("#/").split("/"):
            target = target[part.replace("~1", "/").replace("~0", "~")]
        return ref.removeprefix("#"), target

    def response_schema(self, path: str, method: str, status: int) -> str | None:
        """The pointer of the JSON schema for ``status``, ``""`` when the status documents no body;
        ``None`` when the operation does not document the status at all."""
        responses: dict[str, Any] = self.document["paths"][path][method]["responses"]
        key = next((k for k in (str(status), f"{str(status)[0]}XX", "default") if k in responses), None)
        if key is None:
            return None
        pointer = f"/paths/{_escape(path)}/{method}/responses/{key}"
        pointer, response = self._follow(pointer, responses[key])
        if "application/json" not in response.get("content", {}):
            return ""
        return pointer + "/content/application~1json/schema"

    def envelope_schema(self) -> str:
        return "/components/schemas/GraphAPIError"

    def errors(self, pointer: str, body: Any) -> list[ValidationError]:
        return sorted(self._validator(pointer).iter_errors(body), key=lambda e: list(e.absolute_path))


@dataclass(frozen=True, slots=True)
class Answer:
    operation: str
    method: str
    path: str
    status: int
    body: bytes


def _location(error: ValidationError) -> str:
    return "/".join("*" if isinstance(part, int) else str(part) for part in error.absolute_path)


def allowed(
    operation: str,
    at: str,
    validator: str | None = None,
    allowlist: Iterable[Contradiction] = ALLOWLIST + PENDING,
) -> bool:
    if os.environ.get("WANUMBERS_SCHEMA_STRICT") == "1":  # show everything, allowlist ignored
        return False
    return any(
        entry.operation in (operation, "*") and entry.at == at and entry.validator in (None, validator)
        for entry in allowlist
    )


def problems(spec: Spec, answer: Answer) -> list[str]:
    """What is wrong with one answer, allowlist applied; empty when it validates."""
    if answer.operation == ENVELOPE:
        pointer: str | None = spec.envelope_schema() if answer.status >= 400 else ""
    else:
        path, method = OPERATIONS[answer.operation]
        pointer = spec.response_schema(path, method, answer.status)
    if pointer is None:
        at = f"status:{answer.status}"
        if not (allowed(answer.operation, at) or answer.status in GUARD_STATUSES):
            return [f"{at} is not documented for the operation"]
        pointer = spec.envelope_schema()
    if not pointer:
        return []
    try:
        body = orjson.loads(answer.body)
    except orjson.JSONDecodeError:
        return [f"the body is not JSON: {answer.body[:80]!r}"]
    return [
        f"{_location(error) or '(root)'}: {error.message}"
        for error in spec.errors(pointer, body)
        if not allowed(answer.operation, _location(error), str(error.validator))
    ]


def _operation(app: Any, scope: Scope) -> str:
    for route in app.router.routes:
        match, _ = route.matches(scope)
        if match is Match.FULL:
            name = ".".join(str(getattr(route, "name", "")).split(".")[:2])  # drop .unversioned, .slash
            return name if name in OPERATIONS else ENVELOPE
    return ENVELOPE


Call = Callable[[Any, Scope, Receive, Send], Awaitable[None]]


@dataclass
class SchemaCheck:
    """Collects this test's Graph answers and what failed validation in them."""

    answers: list[Answer] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    async def observe(self, call: Call, app: ASGIApp, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or app.route_table.contract_of(scope.get("path", "")) != "graph":
            await call(app, scope, receive, send)
            return
        status = 0
        chunks: list[bytes] = []

        async def recording_send(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            await send(message)

        operation = _operation(app, dict(scope))
        await call(app, scope, receive, recording_send)
        # One route serves GET /{id} for a number and a WABA; the view names what it served.
        served = scope.get(OPERATION_KEY)
        operation = f"graph.{served}" if served else operation
        self.record(Answer(operation, scope["method"], scope["path"], status, b"".join(chunks)))

    def record(self, answer: Answer) -> None:
        self.answers.append(answer)
        spec = shared_spec()  # loaded on the first Graph answer of the run, not per test
        if spec is None:
            return
        for problem in problems(spec, answer):
            self.failures.append(
                f"{answer.method} {answer.path} -> {answer.status} ({answer.operation}): {problem}"
            )


@functools.cache
def shared_spec() -> Spec | None:
    path = spec_path()
    return Spec(load_spec(path)) if path else None
