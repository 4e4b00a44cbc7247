from __future__ import annotations

import pytest

from tests._sync import sync
from wanumbers.server.domain.errors import DomainError, Reason
from wanumbers.server.services import admin, auth
from wanumbers.server.services.runtime import Runtime


def test_rotating_a_key_revokes_the_old_one(runtime: Runtime) -> None:
    account, old = sync(admin.create_account(runtime, "Acme"))
    new = sync(admin.rotate_api_key(runtime, account.sid))
    assert sync(auth.account_for_api_key(runtime, account.sid, new)).id == account.id
    with pytest.raises(DomainError) as raised:
        sync(auth.account_for_api_key(runtime, account.sid, old))
    assert raised.value.reason is Reason.CREDENTIAL_REVOKED


def test_extra_keys_work_side_by_side_until_revoked(runtime: Runtime) -> None:
    account, first = sync(admin.create_account(runtime, "Acme"))
    second = sync(admin.add_api_key(runtime, account.sid))
    assert sync(auth.account_for_api_key(runtime, account.sid, first)).sid == account.sid
    assert sync(admin.revoke_secret(runtime, "api_key", second))
    with pytest.raises(DomainError):
        sync(auth.account_for_api_key(runtime, account.sid, second))
    assert sync(auth.account_for_api_key(runtime, account.sid, first)).sid == account.sid


def test_a_key_only_opens_its_own_sid(runtime: Runtime) -> None:
    _, key = sync(admin.create_account(runtime, "Acme"))
    other, _ = sync(admin.create_account(runtime, "Rival"))
    with pytest.raises(DomainError):
        sync(auth.account_for_api_key(runtime, other.sid, key))


def test_waba_api_version_is_validated(runtime: Runtime) -> None:
    account, _ = sync(admin.create_account(runtime, "Acme"))
    with pytest.raises(DomainError) as raised:
        sync(admin.create_waba(runtime, account.sid, "v3"))
    assert raised.value.reason is Reason.INVALID_PARAMETER


def test_unknown_sid_is_a_clear_error(runtime: Runtime) -> None:
    with pytest.raises(DomainError, match="no account with SID HXNOPE"):
        sync(admin.create_waba(runtime, "HXNOPE"))
