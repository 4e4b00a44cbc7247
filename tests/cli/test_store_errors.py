"""A database URL that cannot be opened, from every command: one line naming the URL (password hidden),
what is wrong and how to fix it, exit 2, no traceback (issue 11.1). Commands that read or change what
exists refuse a store that does not exist instead of making an empty one (issue 11.3)."""

from __future__ import annotations

import os
import re
import socket
from pathlib import Path

import pytest
from click.testing import CliRunner

from tests._processes import wanumbers
from tests.conftest import POSTGRES_URL
from wanumbers.cli import main
from wanumbers.server.storage.location import redact

SERVER = POSTGRES_URL.rsplit("/", 1)[0]  # postgresql://postgres@127.0.0.1:5432


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port  # closed once the probe is: nothing listens there


# (URL, what the line must say)
WRONG_URLS = [
    (
        SERVER.replace("postgres@", "postgres:s3cret@") + "/nonexistent",
        "the database 'nonexistent' does not exist",
    ),
    ("foo://bar", "'foo' is not a supported database"),
    (f"postgresql://postgres@127.0.0.1:{closed_port()}/test", "nothing accepts connections on 127.0.0.1:"),
    ("sqlite:///nodir/x.db", "the folder nodir does not exist; create it (mkdir -p nodir)"),
    ("mysql://root:hunter2@db.example/shop", "'mysql' is not a supported database"),
    ("postgresql+asyncpg://postgres@127.0.0.1/test", "driver 'asyncpg' is not supported"),
    ("wanumbers.db", "not a database URL (it has no scheme://)"),
    (SERVER.replace("postgres@", "nobody:pw@") + "/test", "refused the login of nobody"),
]

COMMANDS = [
    ["sim", "outbox"],
    ["sim", "token"],
    ["sim", "clock", "--advance", "10"],
    ["sim", "faults", "list"],
    ["accounts", "create", "--name", "Acme"],
    ["wabas", "create", "--sid", "HX1"],
    ["tokens", "create", "--sid", "HX1"],
    ["serve", "--port", "0"],
]


def invoke(args: list[str], tmp_path: Path) -> tuple[int, str]:
    cwd = os.getcwd()
    os.chdir(tmp_path)  # sqlite:///nodir/… and the default ./wanumbers.db are relative
    try:
        result = CliRunner().invoke(main, args, env={"WANUMBERS_DATABASE_URL": None})
    finally:
        os.chdir(cwd)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("url", "says"), WRONG_URLS, ids=[re.sub(r":\d{4,5}/", ":PORT/", url) for url, _ in WRONG_URLS]
)
def test_a_wrong_database_url_is_one_line_naming_it_and_exit_2(url: str, says: str, tmp_path: Path) -> None:
    code, stderr = invoke(["sim", "outbox", "--database-url", url], tmp_path)

    assert code == 2
    assert stderr.count("\n") == 1 and stderr.startswith(f"error: cannot open the store {redact(url)}: ")
    assert says in stderr
    assert "s3cret" not in stderr and "hunter2" not in stderr and "Traceback" not in stderr
    assert "; " in stderr  # what is wrong; how to fix it


@pytest.mark.parametrize("command", COMMANDS, ids=[" ".join(c[:2]) for c in COMMANDS])
def test_every_command_answers_a_wrong_url_the_same_way(command: list[str], tmp_path: Path) -> None:
    code, stderr = invoke([*command, "--database-url", "foo://bar"], tmp_path)

    assert (code, stderr) == (
        2,
        "error: cannot open the store foo://bar: 'foo' is not a supported database (wanumbers stores "
        "in SQLite or PostgreSQL); use sqlite:///path/to/wanumbers.db or postgresql://user@host:5432/db\n",
    )


def test_the_password_is_hidden_and_the_rest_kept() -> None:
    assert redact("postgresql://app:pa:ss@db:5432/x") == "postgresql://app:***@db:5432/x"
    assert redact("postgresql://app@db/x") == "postgresql://app@db/x"
    assert redact("sqlite:///./wanumbers.db") == "sqlite:///./wanumbers.db"


READING = [
    ["sim", "outbox"],
    ["sim", "faults", "list"],
    ["sim", "approve-name", "+919876543210"],
    ["tokens", "create", "--sid", "HX1"],
    ["wabas", "create", "--sid", "HX1"],
    ["accounts", "add-key", "--sid", "HX1"],
]


@pytest.mark.parametrize("command", READING, ids=[" ".join(c[:2]) for c in READING])
def test_commands_on_what_exists_refuse_a_missing_store_and_make_none(
    command: list[str], tmp_path: Path
) -> None:
    code, stderr = invoke(command, tmp_path)

    assert (code, stderr) == (
        2,
        f"error: no wanumbers store at {tmp_path.resolve() / 'wanumbers.db'}; pass --database-url or "
        "set WANUMBERS_DATABASE_URL\n",
    )
    assert list(tmp_path.iterdir()) == []


def test_a_postgresql_database_without_the_schema_is_no_store(postgres_url: str) -> None:
    from sqlalchemy import create_engine, text

    name = postgres_url.rsplit("/", 1)[1] + "_empty"
    admin_url = SERVER.replace("postgresql://", "postgresql+psycopg://", 1) + "/postgres"
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        result = CliRunner().invoke(main, ["sim", "outbox", "--database-url", f"{SERVER}/{name}"])
        assert (result.exit_code, result.stderr) == (
            2,
            f"error: no wanumbers store at {SERVER}/{name}; pass --database-url or set "
            "WANUMBERS_DATABASE_URL\n",
        )
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.mark.parametrize("command", [["accounts", "create", "--name", "Acme"], ["sim", "token"]])
def test_provisioning_commands_make_the_store(command: list[str], tmp_path: Path) -> None:
    code, _ = invoke(command, tmp_path)

    assert code == 0
    assert (tmp_path / "wanumbers.db").exists()


def test_a_real_process_prints_one_line_and_exits_2(tmp_path: Path) -> None:
    url = SERVER.replace("postgres@", "postgres:s3cret@") + "/nonexistent"
    for args in (["serve", "--port", "0", "--database-url", url], ["sim", "outbox", "--database-url", url]):
        done = wanumbers(*args)
        assert (done.returncode, done.stdout) == (2, "")
        assert done.stderr == (
            f"error: cannot open the store {redact(url)}: the database 'nonexistent' does not exist on "
            "127.0.0.1:5432; create it (createdb -h 127.0.0.1 nonexistent) or name another\n"
        )
