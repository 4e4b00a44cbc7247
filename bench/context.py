"""What scenarios share within one run: config, temp dir, processes, seeded stores, servers.

Stores and servers are created on first use and cached, so S1, S2, S7 and S8 reuse the
same seeded databases instead of seeding again.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench import seed, service
from bench.baseline import READY_PATH
from bench.config import RunConfig
from bench.databases import Database, create_postgres, postgres_unavailable, sqlite_database
from bench.loadgen import LoadGenerator
from bench.model import Skip
from bench.procs import ManagedProcess, ProcessRegistry, free_port, http_get, server_cmd, wait_until_ok

# Importable pieces each kind of scenario needs before it can start a server.
SERVER_MODULES = ("wanumbers.cli:main", "wanumbers.server.storage.models:phone_numbers")
# The HTTP server `wanumbers serve` runs; the baseline runs on it too.
BOUNDED_SERVER = "wanumbers.server.http_server"
# Plain uvicorn's settings matching it, for a tree where it is missing (keep in sync).
UVICORN_ARGS = ("--no-access-log", "--log-level", "warning")
BASELINE_APP = "bench.baseline:app"
FLOOR_APP = "bench.read_floor:app"  # S1's read with nothing around it


@dataclass
class Store:
    db: Database
    tenant: service.Tenant
    size: int
    seed_s: float

    def details_path(self, i: int) -> str:
        return service.details_path(self.tenant.sid, seed.e164(i))


@dataclass
class Context:
    config: RunConfig
    workdir: Path
    registry: ProcessRegistry
    loadgen: LoadGenerator
    notes: list[str] = field(default_factory=list)
    _stores: dict[str, Store] = field(default_factory=dict)
    _servers: dict[str, ManagedProcess] = field(default_factory=dict)
    postgres_db: Database | None = None

    def require_service(self) -> None:
        missing = service.missing_piece(*SERVER_MODULES)
        if missing:
            raise Skip(missing)

    def database(self, kind: str, name: str) -> Database:
        if kind == "sqlite":
            return sqlite_database(self.workdir, name)
        if not self.config.postgres:
            why = "quick mode; add --postgres" if self.config.quick else "--no-postgres"
            raise Skip(f"PostgreSQL not requested ({why})")
        if self.postgres_db is None:
            reason = postgres_unavailable(self.config.postgres_admin_url)
            if reason:
                raise Skip(reason)
            self.postgres_db = create_postgres(self.config.postgres_admin_url, self.config.postgres_db)
        return self.postgres_db

    def store(self, kind: str, size: int) -> Store:
        """A database with one account/WABA holding ``size`` CONNECTED numbers."""
        key = f"{kind}-{size}"
        if key not in self._stores:
            self.require_service()
            db = self.database(kind, key)
            tenant = service.provision(db.url)
            print(f"  seeding {size:,} numbers into {db.label} …", flush=True)
            seconds = seed.seed_numbers(db, int(tenant.waba_id), size)
            print(f"  seeded in {seconds:.1f}s", flush=True)
            self._stores[key] = Store(db, tenant, size, seconds)
        return self._stores[key]

    def server(self, store: Store, workers: int = 1) -> ManagedProcess:
        """``wanumbers serve`` on a free port for ``store``, pinned to the server core."""
        key = f"{store.db.kind}-{store.size}-w{workers}"
        if key not in self._servers:
            port = free_port()
            argv = server_cmd(service.serve_argv(port, store.db.url, workers))
            proc = self.registry.start(f"wanumbers-{key}", argv, port=port)
            wait_until_ok(proc, store.details_path(0), service.bsp_headers(store.tenant))
            self._servers[key] = proc
        return self._servers[key]

    def floor_server(self, store: Store) -> ManagedProcess:
        """The reads' floor (``bench/read_floor.py``) over ``store``'s SQLite file, on the baseline's
        server; refused unless it answers each read with the very bytes the service answers."""
        key = f"floor-{store.db.kind}-{store.size}"
        if key not in self._servers:
            service_proc = self.server(store)
            port = free_port()
            env = {"BENCH_FLOOR_DATABASE": store.db.url.removeprefix("sqlite:///")}
            proc = self.registry.start(key, server_cmd(asgi_argv(FLOOR_APP, port)), port=port, env=env)
            reads = [(store.details_path(0), service.bsp_headers(store.tenant))]
            if store.tenant.access_token is not None:
                graph = service.graph_headers(store.tenant)
                reads.append((service.graph_node_path(seed.number_id(0)), graph))
                reads.append((service.graph_list_path(store.tenant.waba_id, 25), graph))
            wait_until_ok(proc, *reads[0])
            for path, headers in reads:
                ours = http_get(service_proc.port, path, headers, limit=1 << 16)
                floor = http_get(port, path, headers, limit=1 << 16)
                if ours != floor:
                    raise Skip(f"the floor answers {path} otherwise than the service: {floor!r}, {ours!r}")
            self._servers[key] = proc
        return self._servers[key]

    def baseline_server(self, name: str = "baseline") -> ManagedProcess:
        if name not in self._servers:
            self._servers[name] = start_baseline(self.registry, name)
        return self._servers[name]


def asgi_argv(app: str, port: int) -> list[str]:
    """A bench ASGI app on the HTTP server ``wanumbers serve`` runs (same protocol, limits and log
    settings), so a ratio measures the service and not a difference of servers; plain uvicorn while
    that server is not importable."""
    if service.missing_piece(BOUNDED_SERVER) is None:
        argv = [sys.executable, "-m", BOUNDED_SERVER, app]
        return [*argv, "--host", "127.0.0.1", "--port", str(port)]
    argv = [sys.executable, "-m", "uvicorn", app]
    return [*argv, "--host", "127.0.0.1", "--port", str(port), *UVICORN_ARGS]


def baseline_argv(port: int) -> list[str]:
    return asgi_argv(BASELINE_APP, port)


def start_baseline(registry: ProcessRegistry, name: str) -> ManagedProcess:
    port = free_port()
    proc = registry.start(name, server_cmd(baseline_argv(port)), port=port)
    wait_until_ok(proc, READY_PATH)
    return proc
