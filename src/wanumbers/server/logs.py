"""The service's log: one line per request, and every line a request causes carries its request id.

``wanumbers serve --log-format text|json`` (``WANUMBERS_LOG_FORMAT``) picks how lines look; ``configure``
is called once per worker, after uvicorn set up its own loggers, whose lines then come out the same way.
What a line may hold: method, path without its query string (Graph takes ``access_token=`` there),
route template, status, duration, client address, request id. Never a header or a body (they carry API
keys, tokens and OTPs); tests/server/guarantees/test_secrets.py scans every line for the secrets it
issued, formatted by the same ``render_*`` functions the request lines use.

Cost: a request line is rendered directly (no ``LogRecord``, the timestamp's seconds cached) into a
buffered stderr that is flushed at most ``FLUSH_AFTER`` s later, by any other log line (which the
logging handler flushes at once, so the order holds) and at exit: ~2 µs instead of the ~24 µs of a
``logging`` call with a formatter and a line-buffered write.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import logging
import os
import sys
import time
from contextvars import ContextVar
from typing import IO, Any

import orjson

FORMATS = ("text", "json")
FLUSH_AFTER = 0.5  # seconds a request line may wait in the buffer
REQUEST_ID: ContextVar[str] = ContextVar("wanumbers_request_id", default="-")
REQUEST_LOGGER = "wanumbers.request"
request_log = logging.getLogger(REQUEST_LOGGER)
_FIELDS = ("method", "path", "route", "status", "duration_ms", "client")
_OURS = "wanumbers_handler"
_second: tuple[int, str] = (0, "")


def timestamp(created: float) -> str:
    """``2026-12-02T01:02:03.456Z`` (UTC); the part up to the seconds is made once per second."""
    global _second
    whole = int(created)
    if _second[0] != whole:
        _second = (whole, time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(whole)))
    return f"{_second[1]}.{int((created - whole) * 1000):03d}Z"


def render_text(
    created: float, level: str, logger: str, request_id: str, message: str, fields: dict[str, Any]
) -> str:
    line = f"{timestamp(created)} {level} {logger} request_id={request_id} {message}"
    if fields:
        line += " " + " ".join(f"{name}={value}" for name, value in fields.items())
    return line


def render_json(
    created: float, level: str, logger: str, request_id: str, message: str, fields: dict[str, Any], pid: int
) -> str:
    data: dict[str, Any] = {
        "ts": timestamp(created),
        "level": level.lower(),
        "logger": logger,
        "pid": pid,  # which worker, with --workers
        "request_id": request_id,
        "message": message,
        **fields,
    }
    return orjson.dumps(data).decode()


class RequestIdFilter(logging.Filter):
    """Stamps each record with the id of the request it was logged in (``-`` outside one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            record.request_id = REQUEST_ID.get()
        return True


def _fields_of(record: logging.LogRecord) -> dict[str, Any]:
    return {name: record.__dict__[name] for name in _FIELDS if name in record.__dict__}


class TextFormatter(logging.Formatter):
    """``2026-12-02T01:02:03.456Z INFO wanumbers.request request_id=… message key=value …``"""

    def format(self, record: logging.LogRecord) -> str:
        request_id = record.__dict__.get("request_id", "-")
        line = render_text(
            record.created, record.levelname, record.name, request_id, record.getMessage(), _fields_of(record)
        )
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


class JsonFormatter(logging.Formatter):
    """One JSON object per line: ts, level, logger, pid, request_id, message and the request's fields."""

    def format(self, record: logging.LogRecord) -> str:
        request_id = record.__dict__.get("request_id", "-")
        fields = _fields_of(record)
        if record.exc_info:
            fields["exception"] = self.formatException(record.exc_info)
        return render_json(
            record.created,
            record.levelname,
            record.name,
            request_id,
            record.getMessage(),
            fields,
            record.process or 0,
        )


def formatter(log_format: str) -> logging.Formatter:
    if log_format not in FORMATS:
        raise ValueError(f"log format must be one of {', '.join(FORMATS)}, not {log_format!r}")
    return JsonFormatter() if log_format == "json" else TextFormatter()


class _Sink:
    """Where request lines go once ``configure`` ran: the buffered stream, flushed soon."""

    def __init__(self, stream: IO[str], log_format: str) -> None:
        self.stream = stream
        self.json = log_format == "json"
        self.pid = os.getpid()
        self._flush_on: asyncio.AbstractEventLoop | None = None

    def write(
        self, request_id: str, method: str, path: str, route: str, status: int, ms: float, client: str
    ) -> None:
        now = time.time()
        if self.json:
            fields = {"method": method, "path": path, "route": route, "status": status}
            fields["duration_ms"], fields["client"] = ms, client
            line = render_json(now, "INFO", REQUEST_LOGGER, request_id, "request", fields, self.pid)
        else:  # render_text's output, spelt out: a third of its cost (test_operations holds them equal)
            line = (
                f"{timestamp(now)} INFO {REQUEST_LOGGER} request_id={request_id} request method={method} "
                f"path={path} route={route} status={status} duration_ms={ms} client={client}"
            )
        self.stream.write(line + "\n")
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.stream.flush()
            return
        if self._flush_on is not loop:
            self._flush_on = loop
            loop.call_later(FLUSH_AFTER, self.flush)

    def flush(self) -> None:
        self._flush_on = None
        with contextlib.suppress(OSError, ValueError):  # the reader went away, or closed at exit
            self.stream.flush()


_sink: _Sink | None = None


def configure(log_format: str = "text", stream: IO[str] | None = None) -> None:
    """Send the service's lines (and uvicorn's) to ``stream`` (a buffered stderr) in ``log_format``."""
    global _sink
    chosen = formatter(log_format)
    if stream is None:
        stream = open(sys.stderr.fileno(), "w", buffering=1 << 16, encoding="utf-8", closefd=False)  # noqa: SIM115
    handler = logging.StreamHandler(stream)  # flushes after every record
    handler.set_name(_OURS)
    handler.setFormatter(chosen)
    handler.addFilter(RequestIdFilter())
    for name in ("wanumbers", "uvicorn"):
        logger = logging.getLogger(name)
        logger.handlers = [h for h in logger.handlers if h.get_name() != _OURS and name != "uvicorn"]
        logger.addHandler(handler)
        logger.propagate = False
    logging.getLogger("wanumbers").setLevel(logging.INFO)
    logging.getLogger("uvicorn.error").handlers = []  # propagates to "uvicorn", so to ours
    _sink = _Sink(stream, log_format)
    atexit.register(_sink.flush)


def request_line(
    request_id: str, method: str, path: str, route: str, status: int, seconds: float, client: str
) -> None:
    """The request's one line: straight to the configured sink, else through ``logging`` (tests, the
    sandbox: nothing is written unless someone listens at INFO)."""
    ms = round(seconds * 1000, 2)
    if _sink is not None:
        _sink.write(request_id, method, path, route, status, ms, client)
    elif request_log.isEnabledFor(logging.INFO):
        fields = {"method": method, "path": path, "route": route, "status": status}
        fields.update(duration_ms=ms, client=client)
        request_log.info("request", extra={"request_id": request_id, **fields})
