"""The credential of a request: found once, where its contract carries it, and handed to every stage
after (rate limit, Idempotency-Key, the endpoint), so no two stages can read two different ones.

- Kaleyra: the ``api-key`` header.
- Graph: ``Authorization: Bearer|OAuth TOKEN``, then ``access_token`` in the query string, then in the
  body (form, multipart or JSON; the body is read only when neither of the first two carries one, so a
  request with a bad header token is refused before its body is parsed).

The same secret repeated is one credential; two different ones are a conflict, refused with the
contract's authentication error whatever each of them is.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from starlette.types import Scope

from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.domain.identifiers import CredentialKind
from wanumbers.server.domain.records import Account, PhoneNumber, Waba
from wanumbers.server.services import auth
from wanumbers.server.services.auth import Presented
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.storage.repositories.access import Access

Contract = Literal["kaleyra", "graph"]
SCOPE_KEY = "wanumbers.credential"
_KINDS: dict[Contract, CredentialKind] = {"kaleyra": "api_key", "graph": "access_token"}


class Conflicting(DomainError):
    """Two different secrets in one request."""

    def __init__(self) -> None:
        super().__init__(Reason.UNAUTHENTICATED, "conflicting credentials")


@dataclass
class RequestCredential:
    """What one request presented. The store is asked about it once, whichever stage asks first
    (``account()``, ``faults_armed()``, ``targets()``); whether it may act is judged when ``account()``
    is first asked, so after an injected delay the fault gate served, as before the gate read the row."""

    contract: Contract
    secrets: frozenset[str] = field(default_factory=frozenset)
    _presented: Presented | None = None
    _looked_up: bool = False
    _found: Access | None = None  # the credential's row as the store had it, not yet judged
    _account: Account | None = None  # the verdict: one of these two, once judged
    _refusal: DomainError | None = None

    @property
    def missing(self) -> bool:
        return not self.secrets

    @property
    def conflicting(self) -> bool:
        return len(self.secrets) > 1

    @property
    def presented(self) -> Presented | None:
        """The one credential presented, or ``None`` (none, or a conflict)."""
        if len(self.secrets) != 1:
            return None
        if self._presented is None:  # hashed once per request
            self._presented = Presented.of(_KINDS[self.contract], next(iter(self.secrets)))
        return self._presented

    def add(self, secret: str) -> None:
        if secret and secret not in self.secrets:
            self.secrets = self.secrets | {secret}
            # What was found and decided held for fewer secrets.
            self._presented, self._looked_up, self._found = None, False, None
            self._account, self._refusal = None, None

    async def account(self, rt: Runtime, sid: str | None = None) -> Account:
        """The account this credential acts for, if it may act (and, given ``sid``, is that Kaleyra
        account's); raises the reason it may not. The SID is checked on every call, whichever stage
        asked first (the Idempotency-Key stage asks without one)."""
        if self._account is None and self._refusal is None:
            if not self._looked_up:
                await self._look_up(rt)
            try:
                self._account = auth.admit(rt, self._found).account
            except DomainError as refusal:
                self._refusal = refusal
        if self._refusal is not None:
            raise self._refusal
        assert self._account is not None
        auth.check_sid(self._account, sid)
        return self._account

    async def faults_armed(self, rt: Runtime) -> bool | None:
        """Whether a control-plane fault is armed, as the credential's own statement read it, so the
        fault gate costs no statement of its own; ``None`` when that statement found nothing (no single
        credential presented, or one never issued): the gate then asks itself."""
        if not self._looked_up:
            await self._look_up(rt)
        return self._found.faults_armed if self._found is not None else None

    async def targets(
        self, rt: Runtime, waba_id: int | None, number_id: int | None = None
    ) -> tuple[Waba | None, PhoneNumber | None]:
        """WABA ``waba_id`` and number ``number_id`` where this credential's account owns them, read
        with the credential in one statement (which serves ``account()`` and ``faults_armed()`` as
        well). Whether the credential may act is judged by ``account()``: call it before trusting them."""
        found = await self._look_up(rt, waba_id, number_id)
        return (found.waba, found.number) if found is not None else (None, None)

    async def _look_up(
        self, rt: Runtime, waba_id: int | None = None, number_id: int | None = None
    ) -> Access | None:
        """The credential's statement; a verdict from before it is dropped (the row is newer)."""
        presented = self.presented
        self._account, self._refusal = None, None
        if presented is None:  # nothing to ask the store about
            self._found, self._refusal = None, Conflicting() if self.conflicting else _missing()
        else:
            self._found = await auth.find(rt, presented, waba_id, number_id)
        self._looked_up = True
        return self._found


def _missing() -> DomainError:
    return DomainError(Reason.CREDENTIAL_MISSING, "missing credential")


def of(scope: Scope) -> RequestCredential:
    credential: RequestCredential = scope[SCOPE_KEY]
    return credential


def bearer_token(authorization: str) -> str:
    """The token of ``Authorization: Bearer TOKEN`` (or ``OAuth TOKEN``, as older SDKs send), else ``""``."""
    scheme, _, value = authorization.strip().partition(" ")
    return value.strip() if scheme.lower() in ("bearer", "oauth") else ""


def from_headers(contract: Contract, headers: list[tuple[bytes, bytes]]) -> RequestCredential:
    """Every credential the headers carry (repeated headers included)."""
    credential = RequestCredential(contract)
    wanted = b"api-key" if contract == "kaleyra" else b"authorization"
    for name, value in headers:
        if name.lower() == wanted:
            text = value.decode("latin-1")
            credential.add(text.strip() if contract == "kaleyra" else bearer_token(text))
    return credential
