"""The OTP/PIN key lives outside the store (issue 10.9): a key file (0600) beside a SQLite store or
``WANUMBERS_OTP_KEY``; PostgreSQL refuses to start without one; a key older stores kept in the database
moves out on the first start; earlier keys still check codes and PINs after a rotation."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from starlette.testclient import TestClient

from tests._processes import wanumbers
from tests._sync import sync
from tests.conftest import make_tenant
from tests.server.guarantees.support import add_number
from wanumbers.server.app import create_app
from wanumbers.server.bootstrap import build_runtime
from wanumbers.server.services import sim
from wanumbers.server.services.runtime import Runtime
from wanumbers.server.settings import POSTGRES_NEEDS_A_KEY, Settings, SettingsError
from wanumbers.server.storage import migrate
from wanumbers.server.storage.engine import make_engine


@pytest.fixture(autouse=True)
def no_key_in_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("WANUMBERS_OTP_KEY", "WANUMBERS_OTP_KEY_FILE", "WANUMBERS_OTP_KEY_PREVIOUS"):
        monkeypatch.delenv(name, raising=False)


def _start(url: str, **settings: object) -> Runtime:
    return build_runtime(Settings(database_url=url, **settings))  # type: ignore[arg-type]


def _close(rt: Runtime) -> None:
    sync(rt.close())


def _stored_key(url: str) -> object:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT value FROM sim_settings WHERE key = 'otp_key'")).scalar()
    finally:
        engine.dispose()


def _legacy_store(url: str, key: str) -> None:
    """A store as earlier versions left it: migrated, with its OTP key in ``sim_settings``."""
    engine = make_engine(url)
    try:
        migrate.upgrade(engine)
        with engine.begin() as connection:
            connection.execute(
                text("INSERT INTO sim_settings (key, value) VALUES ('otp_key', :v)"), {"v": key}
            )
    finally:
        engine.dispose()


def test_a_sqlite_store_gets_a_key_file_only_its_owner_may_read(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    first = _start(url)
    key_file = tmp_path / "store.db.otp-key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert key_file.read_text().strip().encode() == first.otp_key and len(first.otp_key) == 64
    assert _stored_key(url) is None  # nothing of the key in the store
    _close(first)
    again = _start(url)
    assert again.otp_key == first.otp_key  # every restart checks codes with the same key
    _close(again)


def test_a_key_file_others_may_read_is_refused_at_start(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    _close(_start(url))
    key_file = tmp_path / "store.db.otp-key"
    key_file.chmod(0o644)
    with pytest.raises(
        SettingsError,
        match=r"the OTP key file .*store.db.otp-key may be read by others \(mode 0644\); chmod 600 it",
    ):
        _start(url)


def test_an_empty_key_file_is_refused(tmp_path: Path) -> None:
    key_file = tmp_path / "key"
    key_file.write_text("\n")
    key_file.chmod(0o600)
    with pytest.raises(SettingsError, match="is empty"):
        _start(f"sqlite:///{tmp_path / 'store.db'}", otp_key_file=str(key_file))


def test_the_environment_key_wins_and_no_file_is_made(tmp_path: Path) -> None:
    rt = _start(f"sqlite:///{tmp_path / 'store.db'}", otp_key="k" * 64)
    assert rt.otp_key == b"k" * 64 and not (tmp_path / "store.db.otp-key").exists()
    _close(rt)


def test_a_key_older_stores_kept_in_the_database_moves_to_the_key_file(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    _legacy_store(url, "a" * 64)
    rt = _start(url)
    assert rt.otp_key == b"a" * 64  # pending codes and PINs keep matching
    assert (tmp_path / "store.db.otp-key").read_text().strip() == "a" * 64
    assert _stored_key(url) is None
    _close(rt)


def test_a_configured_key_equal_to_the_stored_one_just_removes_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    _legacy_store(url, "a" * 64)
    _close(_start(url, otp_key="a" * 64))
    assert _stored_key(url) is None


def test_a_configured_key_other_than_the_stored_one_is_refused_not_lost(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'store.db'}"
    _legacy_store(url, "a" * 64)
    with pytest.raises(SettingsError, match="holds the OTP key earlier versions kept in it"):
        _start(url, otp_key="b" * 64)
    assert _stored_key(url) == "a" * 64  # still there, for the move the message describes


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_postgresql_without_a_key_is_refused_with_a_clear_message(database_url: str, tmp_path: Path) -> None:
    with pytest.raises(SettingsError) as refused:
        Settings.from_env(database_url=database_url)
    assert str(refused.value) == POSTGRES_NEEDS_A_KEY
    with pytest.raises(SettingsError):
        _start(database_url)
    result = wanumbers("serve", "--database-url", database_url)
    assert result.returncode == 2 and "PostgreSQL needs an OTP key outside the database" in result.stderr
    key_file = tmp_path / "otp.key"
    rt = _start(database_url, otp_key_file=str(key_file))  # a key file works there too, made if missing
    assert key_file.read_text().strip().encode() == rt.otp_key
    _close(rt)


def _code_for(rt: Runtime, e164: str) -> str:
    code: str = sync(sim.outbox(rt, e164))[0].code
    return code


def _verify(client: TestClient, tenant: object, number_id: str, e164: str, code: str) -> int:
    body = {"id": number_id, "phone_number": e164, "otp": code}
    response = client.post(tenant.path("verify"), headers=tenant.headers, json=body)  # type: ignore[attr-defined]
    return response.status_code


@pytest.fixture
def sqlite_url(tmp_path: Path) -> Iterator[str]:
    yield f"sqlite:///{tmp_path / 'store.db'}"


def test_after_a_rotation_earlier_keys_still_check_codes(sqlite_url: str) -> None:
    before = _start(sqlite_url, otp_key="old-" + "a" * 60)
    with TestClient(create_app(Settings(database_url=sqlite_url), runtime=before)) as client:
        tenant = make_tenant(before)
        first, second = add_number(client, tenant), add_number(client, tenant)
    codes = [_code_for(before, e164) for _, e164 in (first, second)]
    _close(before)
    rotated = _start(sqlite_url, otp_key="new-" + "b" * 60, otp_previous_keys=("old-" + "a" * 60,))
    with TestClient(create_app(Settings(database_url=sqlite_url), runtime=rotated)) as client:
        assert _verify(client, tenant, first[0], first[1], codes[0]) == 200
    _close(rotated)
    dropped = _start(sqlite_url, otp_key="new-" + "b" * 60)
    with TestClient(create_app(Settings(database_url=sqlite_url), runtime=dropped)) as client:
        assert _verify(client, tenant, second[0], second[1], codes[1]) == 400  # the old key is gone
    _close(dropped)


def test_the_previous_keys_come_from_the_environment_and_the_key_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("WANUMBERS_OTP_KEY_PREVIOUS", " one , two,")
    assert Settings().otp_previous_keys == ("one", "two")
    monkeypatch.delenv("WANUMBERS_OTP_KEY_PREVIOUS")
    key_file = tmp_path / "key"
    key_file.write_text("current\nolder\n\noldest\n")
    os.chmod(key_file, 0o600)
    from wanumbers.server import otp_keys

    keys = otp_keys._read(key_file)
    assert (keys.current, keys.previous) == (b"current", (b"older", b"oldest"))


def test_the_demo_and_operator_commands_work_on_sqlite_without_a_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    result = wanumbers("accounts", "create", "--name", "Acme", "--database-url", url, "--json")
    assert result.returncode == 0, result.stderr
    assert stat.S_IMODE((tmp_path / "demo.db.otp-key").stat().st_mode) == 0o600
