"""Server processes: start pinned to a core, wait until they answer, read peak RSS, kill.

Every process is started in its own session (process group) so that killing the group
also takes down whatever it forked (uvicorn's worker processes), and nothing else.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench.config import LOAD_CPU, SERVER_CPU

REPO_ROOT = Path(__file__).resolve().parent.parent


class ProcessError(RuntimeError):
    """A server did not come up; carries the tail of its log."""


def free_port() -> int:
    """A currently free loopback port (the kernel's pick, so parallel runs do not clash)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def pinned(cpu: int, argv: Sequence[str]) -> list[str]:
    """Prefix ``argv`` with ``taskset -c CPU`` when taskset exists (it is in util-linux).

    Pinning the server to one core and the load generator to the other is what makes
    the baseline ratio meaningful on a 2-core machine.
    """
    if shutil.which("taskset") is None or (os.cpu_count() or 1) < 2:
        return list(argv)
    return ["taskset", "-c", str(cpu), *argv]


def server_cmd(argv: Sequence[str]) -> list[str]:
    return pinned(SERVER_CPU, argv)


def load_cmd(argv: Sequence[str]) -> list[str]:
    return pinned(LOAD_CPU, argv)


_RUN_OTP_KEY = secrets.token_hex(32)


def child_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """Environment for children: the repo's ``src`` and root importable, output unbuffered."""
    env = dict(os.environ)
    paths = [str(REPO_ROOT / "src"), str(REPO_ROOT)]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env["PYTHONUNBUFFERED"] = "1"
    env.setdefault("WANUMBERS_UNVERIFIED_NUMBER_CAP", "1000000")  # load adds numbers it never verifies
    # One OTP key for the run's CLI calls and servers (PostgreSQL stores refuse to start without one).
    env.setdefault("WANUMBERS_OTP_KEY", _RUN_OTP_KEY)
    env.update(extra or {})
    return env


@dataclass
class ManagedProcess:
    name: str
    popen: subprocess.Popen[bytes]
    log_path: Path
    port: int = 0
    started_at: float = field(default_factory=time.perf_counter)

    @property
    def pid(self) -> int:
        return self.popen.pid

    def alive(self) -> bool:
        return self.popen.poll() is None

    def log_tail(self, lines: int = 15) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return ""
        return "\n".join(text.splitlines()[-lines:])

    def peak_rss_mb(self) -> float | None:
        """Largest VmHWM (peak resident set) over the process and its descendants.

        The max, not the sum: with ``--workers N`` each worker holds its own copy and the
        question asked is "how big does one serving process get".
        """
        peaks = [_vm_hwm_kb(pid) for pid in [self.pid, *_descendants(self.pid)]]
        known = [p for p in peaks if p is not None]
        return max(known) / 1024.0 if known else None

    def cpu_seconds(self) -> float:
        """User + system CPU time so far of the process and its descendants (workers, runtime threads).

        Divided by the requests of a load run, it is what one request costs the server, a figure the
        machine's noise moves much less than throughput."""
        return sum(_cpu_seconds(pid) for pid in [self.pid, *_descendants(self.pid)])

    def stop(self, timeout: float = 5.0) -> None:
        if not self.alive():
            return
        _signal_group(self.popen, signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _signal_group(self.popen, signal.SIGKILL)
            self.popen.wait(timeout=timeout)


def _signal_group(popen: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(popen.pid, sig)  # our own session: pgid == pid


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime, stime


def _vm_hwm_kb(pid: int) -> int | None:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return None


def _descendants(pid: int) -> list[int]:
    found: list[int] = []
    try:
        tasks = list(Path(f"/proc/{pid}/task").iterdir())
    except OSError:
        return found
    for task in tasks:
        try:
            children = (task / "children").read_text().split()
        except OSError:
            continue
        for child in map(int, children):
            found += [child, *_descendants(child)]
    return found


class ProcessRegistry:
    """Owns every process a run starts; ``close()`` (also on Ctrl-C / errors) kills them all."""

    def __init__(self, log_dir: Path) -> None:
        self.log_dir = log_dir
        self._procs: list[ManagedProcess] = []

    def start(
        self,
        name: str,
        argv: Sequence[str],
        *,
        port: int = 0,
        env: Mapping[str, str] | None = None,
        cwd: Path = REPO_ROOT,
    ) -> ManagedProcess:
        log_path = self.log_dir / f"{name}.log"
        launched = time.perf_counter()  # before fork+exec: cold start counts from here
        with log_path.open("wb") as log:
            popen = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=cwd,
                env=child_env(env),
                start_new_session=True,
            )
        proc = ManagedProcess(name, popen, log_path, port, started_at=launched)
        self._procs.append(proc)
        return proc

    def stop(self, proc: ManagedProcess) -> None:
        proc.stop()
        if proc in self._procs:
            self._procs.remove(proc)

    def close(self) -> None:
        for proc in reversed(self._procs):
            proc.stop()
        self._procs.clear()


def http_get(
    port: int, path: str, headers: Mapping[str, str], timeout: float = 2.0, limit: int = 64
) -> tuple[int, bytes]:
    """Status and the first ``limit`` bytes of one ``GET`` on loopback, via a raw socket (no
    client library start-up cost in the cold-start measurement). Status 0: no answer yet."""
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    request = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n{head}Connection: close\r\n\r\n"
    received = b""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            sock.sendall(request.encode())
            while len(received) < limit and (chunk := sock.recv(limit - len(received))):
                received += chunk
    except OSError:
        return 0, b""
    parts = received.split(b" ", 2)
    if len(parts) < 2 or not parts[1].isdigit():
        return 0, b""
    return int(parts[1]), received.partition(b"\r\n\r\n")[2]


def http_status(port: int, path: str, headers: Mapping[str, str], timeout: float = 2.0) -> int:
    return http_get(port, path, headers, timeout, limit=16)[0]


def wait_until_ok(
    proc: ManagedProcess,
    path: str,
    headers: Mapping[str, str] | None = None,
    *,
    timeout: float = 30.0,
    interval: float = 0.005,
) -> float:
    """Poll until ``GET path`` answers 200; returns seconds since the process was launched."""
    deadline = time.perf_counter() + timeout
    last = 0
    while time.perf_counter() < deadline:
        if not proc.alive():
            raise ProcessError(f"{proc.name} exited with {proc.popen.returncode}:\n{proc.log_tail()}")
        last = http_status(proc.port, path, headers or {})
        if last == 200:
            return time.perf_counter() - proc.started_at
        time.sleep(interval)
    raise ProcessError(
        f"{proc.name} did not answer 200 on {path} within {timeout:.0f}s "
        f"(last status {last or 'no answer'}):\n{proc.log_tail()}"
    )
