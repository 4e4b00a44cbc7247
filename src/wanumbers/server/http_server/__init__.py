"""The HTTP server process: uvicorn (uvloop + httptools) with bounded connections and a graceful stop.

- ``limits``: the bounds (header size and time, body time, keep-alive, connections, shutdown), defaults;
- ``protocol``: uvicorn's httptools protocol enforcing them per connection;
- ``runner``: bind (one clear error for a taken port), serve one process or ``--workers N``, exit 0 on
  SIGTERM after in-flight requests finish.

Why uvicorn plus a protocol subclass and not granian or hypercorn: docs/architecture.md, "HTTP server".
"""

from wanumbers.server.http_server.limits import Limits, LimitsError, open_files_limit, resolve_max_connections
from wanumbers.server.http_server.runner import BindError, serve

__all__ = ["BindError", "Limits", "LimitsError", "open_files_limit", "resolve_max_connections", "serve"]
