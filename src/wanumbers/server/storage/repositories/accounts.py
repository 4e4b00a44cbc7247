from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, Row, insert, select, update

from wanumbers.server.domain.identifiers import CredentialKind
from wanumbers.server.domain.records import Account
from wanumbers.server.storage.models import accounts, credentials


def to_account(row: Row[tuple[object, ...]]) -> Account:
    m = row._mapping
    return Account(
        id=m["id"],
        sid=m["sid"],
        name=m["name"],
        pod=m["pod"],
        business_id=m["business_id"],
        app_id=m["app_id"],
        business_restricted=m["business_restricted"],
    )


class AccountRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def create(self, account: Account, now: datetime) -> Account:
        values = {
            "sid": account.sid,
            "name": account.name,
            "pod": account.pod,
            "business_id": account.business_id,
            "app_id": account.app_id,
            "business_restricted": False,
            "created_at": now,
        }
        account.id = self._c.execute(insert(accounts).values(values)).inserted_primary_key[0]  # type: ignore[index]
        return account

    def by_sid(self, sid: str) -> Account | None:
        row = self._c.execute(select(accounts).where(accounts.c.sid == sid)).first()
        return to_account(row) if row else None

    def by_id(self, account_id: int) -> Account | None:
        row = self._c.execute(select(accounts).where(accounts.c.id == account_id)).first()
        return to_account(row) if row else None

    def first_named(self, name: str) -> Account | None:
        query = select(accounts).where(accounts.c.name == name).order_by(accounts.c.id).limit(1)
        row = self._c.execute(query).first()
        return to_account(row) if row else None

    def set_business_restricted(self, account_id: int, restricted: bool) -> None:
        self._c.execute(
            update(accounts).where(accounts.c.id == account_id).values(business_restricted=restricted)
        )


class CredentialRepository:
    def __init__(self, connection: Connection) -> None:
        self._c = connection

    def add(
        self,
        kind: CredentialKind,
        digest: str,
        hint: str,
        now: datetime,
        account_id: int | None = None,
    ) -> None:
        self._c.execute(
            insert(credentials).values(
                account_id=account_id,
                kind=kind,
                digest=digest,
                hint=hint,
                created_at=now,
            )
        )

    def account_for(self, kind: CredentialKind, digest: str) -> Account | None:
        """The account owning a live credential; ``None`` for unknown or revoked ones."""
        query = (
            select(accounts)
            .join(credentials, credentials.c.account_id == accounts.c.id)
            .where(
                credentials.c.digest == digest,
                credentials.c.kind == kind,
                credentials.c.revoked_at.is_(None),
            )
        )
        row = self._c.execute(query).first()
        return to_account(row) if row else None

    def is_live(self, kind: CredentialKind, digest: str) -> bool:
        query = select(credentials.c.id).where(
            credentials.c.digest == digest,
            credentials.c.kind == kind,
            credentials.c.revoked_at.is_(None),
        )
        return self._c.execute(query).first() is not None

    def revoke_all(self, kind: CredentialKind, account_id: int | None, now: datetime) -> int:
        query = (
            update(credentials)
            .where(credentials.c.kind == kind, credentials.c.revoked_at.is_(None))
            .values(revoked_at=now)
        )
        if account_id is not None:
            query = query.where(credentials.c.account_id == account_id)
        return self._c.execute(query).rowcount

    def revoke(self, kind: CredentialKind, digest: str, now: datetime) -> bool:
        query = (
            update(credentials)
            .where(
                credentials.c.digest == digest,
                credentials.c.kind == kind,
                credentials.c.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        return self._c.execute(query).rowcount > 0
