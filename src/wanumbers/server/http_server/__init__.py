"""The HTTP server process: uvicorn (uvloop + httptools) with bounded connections and a graceful stop.

- ``limits``: the bounds (header size and time, body time, keep-alive, connections, shutdown), defaults;
- ``protocol``: uvicorn's httptools protocol enforcing them per connection;
- ``runner``: bind (one clear error for a taken port), serve one process or ``--workers N``, exit 0 on
  SIGTERM after in-flight requests finish.

Why uvicorn plus a protocol subclass and not granian or hypercorn: docs/architecture.md, "HTTP server".
Nothing is imported here: the CLI reads ``limits`` for its options without paying for uvicorn.
"""
