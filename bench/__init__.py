"""wanumbers benchmark harness: ``python -m bench`` (see docs/benchmarks.md).

Layout, one concern per module:

- ``config``     the run's knobs (``--quick``, durations, rounds, sizes)
- ``procs``      starting, pinning (``taskset``), probing and killing server processes
- ``loadgen``    driving ``wrk`` (or the built-in ``pyload`` fallback) and parsing what it prints
- ``baseline``   the raw ASGI app every figure is divided by
- ``databases``  the SQLite file / PostgreSQL database a run owns
- ``seed``       bulk-loading numbers straight into the service's tables
- ``service``    every assumption about the wanumbers CLI and modules, in one place
- ``scenarios``  what issue 6 asks to measure
- ``runner``     interleaved rounds (A B A B …) and medians
- ``report``     ``bench/results/latest.json`` and the table in ``docs/benchmarks.md``
"""
