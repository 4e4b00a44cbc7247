"""Where the store is, and what is wrong when it cannot be opened: the one place that decides it.

Every command (``serve``, the operator commands) opens its store through ``bootstrap.build_runtime``,
which calls ``check`` before connecting and ``explain`` on a failure to connect or migrate, so a wrong
database URL is always the same one line (the URL with its password hidden, what is wrong, how to fix
it) instead of a driver's traceback. The CLI prints it and exits 2 (``cli/__init__.py``).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

FIX_URL = "use sqlite:///path/to/wanumbers.db or postgresql://user@host:5432/db"
FIX_WHERE = "pass --database-url or set WANUMBERS_DATABASE_URL"
_SQLITE = ("sqlite",)
_POSTGRES = ("postgresql", "postgres", "postgresql+psycopg")


class StoreLocationError(Exception):
    """The database URL names no store that can be opened."""

    def __init__(self, url: str, problem: str, fix: str) -> None:
        self.url, self.problem, self.fix = redact(url), problem, fix
        super().__init__(f"cannot open the store {self.url}: {problem}; {fix}")


class NoStore(StoreLocationError):
    """A command that only reads or changes what exists was pointed at a store that does not exist."""

    def __init__(self, url: str, where: str) -> None:
        self.url, self.problem, self.fix = redact(url), f"no wanumbers store at {where}", FIX_WHERE
        Exception.__init__(self, f"{self.problem}; {self.fix}")


def redact(url: str) -> str:
    """The URL with its password replaced by ``***`` (the user, host and database stay readable)."""
    return re.sub(r"^([^:/?#]+://[^:/@?#]*):[^@/?#]*@", r"\1:***@", url)


def scheme_of(url: str) -> str:
    return url.split("://", 1)[0].lower() if "://" in url else ""


def sqlite_file(url: str) -> Path | None:
    """The file a ``sqlite:///…`` URL names (None: in memory)."""
    path = url.split(":///", 1)[1] if ":///" in url else ""
    return None if path in ("", ":memory:") else Path(path)


def check(url: str) -> None:
    """Refuse, before connecting, a URL no driver of ours can open."""
    scheme = scheme_of(url)
    if not scheme:
        raise StoreLocationError(url, "not a database URL (it has no scheme://)", FIX_URL)
    if scheme in _SQLITE:
        _check_sqlite(url)
        return
    if scheme.split("+")[0] in ("postgresql", "postgres"):
        if scheme not in _POSTGRES:
            raise StoreLocationError(
                url, f"driver {scheme.split('+', 1)[1]!r} is not supported", "drop it: postgresql://…"
            )
        if not urlsplit(url).hostname and "host=" not in url:
            raise StoreLocationError(url, "it names no host", "postgresql://user@host:5432/db")
        return
    name = scheme.split("+")[0]
    raise StoreLocationError(
        url, f"{name!r} is not a supported database (wanumbers stores in SQLite or PostgreSQL)", FIX_URL
    )


def _check_sqlite(url: str) -> None:
    if not url.startswith("sqlite://") or (url != "sqlite://" and ":///" not in url):
        raise StoreLocationError(url, "a SQLite URL has three slashes before its path", FIX_URL)
    path = sqlite_file(url)
    if path is None:
        return
    folder = path.parent
    if not folder.is_dir():
        raise StoreLocationError(
            url, f"the folder {folder} does not exist", f"create it (mkdir -p {folder}) or name another"
        )
    if path.is_dir():
        raise StoreLocationError(url, f"{path} is a folder, not a file", "name a file in it")


def require_existing(url: str) -> None:
    """For commands that read or change what exists: a SQLite file must be there (else it would be
    made, empty, wherever the command happens to run). PostgreSQL is checked once connected."""
    path = sqlite_file(url) if scheme_of(url) in _SQLITE else None
    if path is not None and not path.exists():
        raise NoStore(url, str(path.absolute()))


def explain(url: str, error: BaseException) -> StoreLocationError:
    """A driver's failure to connect (or to read the schema) as one line that says what to do."""
    text = str(getattr(error, "orig", None) or error)
    parts = urlsplit(url)
    where = f"{parts.hostname or 'localhost'}:{parts.port or 5432}"
    database = parts.path.lstrip("/") or "postgres"
    user = parts.username or "the default user"
    for pattern, problem, fix in (
        (
            r'database "[^"]*" does not exist',
            f"the database {database!r} does not exist on {where}",
            f"create it (createdb -h {parts.hostname or 'localhost'} {database}) or name another",
        ),
        (
            r"Connection refused|could not connect",
            f"nothing accepts connections on {where}",
            "start PostgreSQL there, or correct the host and port",
        ),
        (
            r"password authentication failed|no password supplied|role \"[^\"]*\" does not exist",
            f"PostgreSQL on {where} refused the login of {user}",
            "check the user and password in the URL",
        ),
        (
            r"translate host name|Name or service not known|nodename nor servname|Temporary failure",
            f"the host {parts.hostname!r} cannot be resolved",
            "correct the host name",
        ),
        (r"timeout expired|timed out", f"{where} did not answer in time", "check host, port and firewall"),
        (
            r"file is not a database|file is encrypted",
            f"{sqlite_file(url)} is not a SQLite database",
            "name a wanumbers store, or a path that does not exist yet",
        ),
        (
            r"unable to open database file|readonly database|attempt to write a readonly",
            f"{sqlite_file(url)} cannot be opened for writing",
            "check the file's and its folder's permissions",
        ),
    ):
        if re.search(pattern, text, re.IGNORECASE):
            return StoreLocationError(url, problem, fix)
    first = text.strip().splitlines()[0] if text.strip() else type(error).__name__
    return StoreLocationError(url, first, FIX_URL)
