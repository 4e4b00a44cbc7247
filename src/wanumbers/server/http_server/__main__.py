"""``python -m wanumbers.server.http_server module:app [--host H] [--port P] [--factory]``.

Any ASGI app on the same server, limits and settings as ``wanumbers serve`` (the benchmark's raw-ASGI
baseline runs this way, so its ratios compare like with like).
"""

from __future__ import annotations

import argparse
import sys

from wanumbers.server.http_server.limits import Limits, open_files_limit, resolve_max_connections
from wanumbers.server.http_server.runner import BindError, serve


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wanumbers.server.http_server")
    parser.add_argument("app", help="module:attribute of an ASGI app")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--factory", action="store_true", help="app is a factory returning the app")
    args = parser.parse_args(argv)
    limits = Limits(max_connections=resolve_max_connections(None, open_files_limit()))
    try:
        serve(args.app, host=args.host, port=args.port, limits=limits, factory=args.factory)
    except BindError as error:
        sys.stderr.write(f"error: {error.strerror}\n")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
