"""What a credential may see, read with the credential in one statement: the account it was issued to,
whether it may still act (with the clock offset to judge expiry by), and the target of the request —
a number or a WABA — if that account owns it.

These are the hottest reads (every Kaleyra details request, every Graph request on an object): one
statement each, and an armed control-plane fault rides along so the fault gate costs nothing extra.
"""

from __future__ import annotations

from wanumbers.server.domain.credentials import Issued
from wanumbers.server.domain.identifiers import CredentialKind
from wanumbers.server.domain.records import Account, PhoneNumber, Waba
from wanumbers.server.storage.repositories.accounts import (
    ACCOUNT_COLUMNS,
    ACCOUNT_FIELDS,
    ISSUED_COLUMNS,
    clock_offset,
    to_account,
    to_issued,
)
from wanumbers.server.storage.repositories.numbers import (
    NUMBER_COLUMNS,
    NUMBER_FIELDS,
    NUMBER_STATUS_COLUMNS,
    NUMBER_STATUS_FIELDS,
    WABA_COLUMNS,
    to_number,
    to_number_status,
)
from wanumbers.server.storage.repositories.wabas import WABA_FIELDS, to_waba
from wanumbers.server.storage.sql import SQL, Row, Session

_SEEN = (
    f"SELECT {ACCOUNT_COLUMNS}, {ISSUED_COLUMNS}, "
    "EXISTS (SELECT 1 FROM faults f WHERE f.remaining > 0) AS faults_armed"
)
# The number and its WABA (if the account owns them); the number's status columns alone for a read that
# needs no more (``to_number_status``).
_NUMBER = f"{NUMBER_COLUMNS}, {WABA_COLUMNS}"
_NUMBER_STATUS = f"{NUMBER_STATUS_COLUMNS}, {WABA_COLUMNS}"
_NODE_WABA = WABA_COLUMNS.replace("w.", "ow.")  # the WABA the node id names (if the account owns it)
_FROM = "FROM credentials c JOIN accounts a ON a.id = c.account_id"
# A foreign number or WABA finds no owned row: the caller cannot tell it from a missing one.
_JOIN_NUMBER = (
    "LEFT JOIN phone_numbers n ON n.{key} = :value "
    "LEFT JOIN wabas w ON w.id = n.waba_id AND w.account_id = a.id"
)
_JOIN_NODE_WABA = "LEFT JOIN wabas ow ON ow.id = :value AND ow.account_id = a.id"
_JOIN_PATH_WABA = "LEFT JOIN wabas ow ON ow.id = :waba_id AND ow.account_id = a.id"  # a Kaleyra write's
_WHERE = "WHERE c.digest = :digest AND c.kind = :kind"

_ACCOUNT_ONLY = SQL(f"{_SEEN} {_FROM} {_WHERE}")
# A Kaleyra write's WABA (the path's), and for a verify the number its body names: by ``with_number``.
_WABA_BY_ID = {
    False: SQL(f"{_SEEN}, {_NODE_WABA} {_FROM} {_JOIN_PATH_WABA} {_WHERE}"),
    True: SQL(
        f"{_SEEN}, {_NUMBER}, {_NODE_WABA} {_FROM} {_JOIN_NUMBER.format(key='id')} {_JOIN_PATH_WABA} {_WHERE}"
    ),
}
_NUMBER_BY_E164 = SQL(f"{_SEEN}, {_NUMBER_STATUS} {_FROM} {_JOIN_NUMBER.format(key='e164')} {_WHERE}")
# A Graph node id names a number or a WABA (ids are unique across both): both are looked up at once.
_NODE_BY_ID = {
    status_only: SQL(
        f"{_SEEN}, {number}, {_NODE_WABA} {_FROM} {_JOIN_NUMBER.format(key='id')} {_JOIN_NODE_WABA} {_WHERE}"
    )
    for status_only, number in ((False, _NUMBER), (True, _NUMBER_STATUS))
}


# Where each part of an access row starts: account, then how the credential stands, then the number
# (all its columns, or its status columns) and its WABA, then the node's WABA.
_AT_NUMBER = len(ACCOUNT_FIELDS) + 4  # revoked_at, expires_at, clock_offset, faults_armed
_AT_WABA = {False: _AT_NUMBER + len(NUMBER_FIELDS), True: _AT_NUMBER + len(NUMBER_STATUS_FIELDS)}


class Access:
    """One credential's view: its account, how it stands, and the request's target if the account
    owns it (``None`` when there is no such target or it is another account's: callers cannot tell)."""

    __slots__ = ("account", "clock_offset", "faults_armed", "issued", "number", "waba")

    def __init__(
        self,
        row: Row,
        *,
        node: bool = False,
        number: bool = False,
        status_only: bool = False,
        waba: bool = False,
    ) -> None:
        self.account: Account = to_account(row)
        self.issued: Issued = to_issued(row)
        self.clock_offset = clock_offset(row)
        self.faults_armed = bool(row["faults_armed"])
        self.number: PhoneNumber | None = None
        self.waba: Waba | None = None
        at_waba = _AT_WABA[status_only]
        if waba:  # the WABA a Kaleyra write names, and (``number``) the number its body names
            at_path_waba = at_waba + len(WABA_FIELDS) if number else _AT_NUMBER
            self.waba = to_waba(row, at_path_waba) if row[at_path_waba] is not None else None
            if number and row[at_waba] is not None:
                self.number = to_number(row, _AT_NUMBER)
            return
        if (node or number) and row[at_waba] is not None:
            self.waba = to_waba(row, at_waba)
            self.number = (to_number_status if status_only else to_number)(row, _AT_NUMBER)
        elif node and row[at_waba + len(WABA_FIELDS)] is not None:
            self.waba = to_waba(row, at_waba + len(WABA_FIELDS))

    @property
    def node_kind(self) -> str | None:
        """What the request's node id names, for this account: ``"number"``, ``"waba"`` or nothing."""
        if self.number is not None:
            return "number"
        return "waba" if self.waba is not None else None


class AccessRepository:
    def __init__(self, session: Session) -> None:
        self._s = session

    async def of(self, kind: CredentialKind, digest: str) -> Access | None:
        """The credential alone; ``None`` when it was never issued."""
        row = await self._s.fetchrow(_ACCOUNT_ONLY, {"digest": digest, "kind": kind})
        return Access(row) if row else None

    async def to_waba(
        self, kind: CredentialKind, digest: str, waba_id: int, number_id: int | None = None
    ) -> Access | None:
        """The credential and WABA ``waba_id`` if its account owns it (a Kaleyra write's target), and
        number ``number_id`` if given and the account owns it (whichever WABA of the account holds it)."""
        params = {"digest": digest, "kind": kind, "waba_id": waba_id, "value": number_id}
        with_number = number_id is not None
        row = await self._s.fetchrow(_WABA_BY_ID[with_number], params)
        return Access(row, waba=True, number=with_number) if row else None

    async def to_e164(self, kind: CredentialKind, digest: str, e164: str) -> Access | None:
        """The credential and the number ``e164``, mapped as Kaleyra's details need it (status only)."""
        row = await self._s.fetchrow(_NUMBER_BY_E164, {"digest": digest, "kind": kind, "value": e164})
        return Access(row, number=True, status_only=True) if row else None

    async def to_node(
        self, kind: CredentialKind, digest: str, node_id: int, status_only: bool = False
    ) -> Access | None:
        """The credential and the number or WABA ``node_id`` names (a Graph request's object); a
        number mapped with its status columns alone when ``status_only``."""
        params = {"digest": digest, "kind": kind, "value": node_id}
        row = await self._s.fetchrow(_NODE_BY_ID[status_only], params)
        return Access(row, node=True, status_only=status_only) if row else None
