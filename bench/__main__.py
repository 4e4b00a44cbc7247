"""``python -m bench [--quick] …`` — see docs/benchmarks.md."""

from __future__ import annotations

import argparse
import signal
import sys
from types import FrameType

from bench.config import ALL_SCENARIOS, OPTIONAL_SCENARIOS, RunConfig, parse_duration


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--quick",
        action="store_true",
        help="smoke test: tiny stores, 1 s runs, 1 round, SQLite only",
    )
    parser.add_argument(
        "--postgres",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="include the PostgreSQL scenarios (default: on, off in --quick)",
    )
    parser.add_argument("--duration", type=parse_duration, help="length of one load run, e.g. 5s")
    parser.add_argument("--rounds", type=int, help="interleaved rounds (medians are taken)")
    parser.add_argument("--connections", type=int, help="concurrent connections (default 32)")
    parser.add_argument("--store-size", type=int, help="numbers behind S1/S2/S8 (default 100k)")
    parser.add_argument("--big-store-size", type=int, help="numbers in the S3/S7 WABA (default 1M)")
    parser.add_argument(
        "--scenarios",
        help=f"comma list out of {','.join(ALL_SCENARIOS + OPTIONAL_SCENARIOS)} (default: all but "
        f"{','.join(OPTIONAL_SCENARIOS)}); a partial run writes bench/results/partial.json, "
        "never latest.json",
    )
    parser.add_argument(
        "--http-servers", help="candidates of --scenarios http (default: uvicorn,granian,hypercorn)"
    )
    parser.add_argument("--loadgen", choices=("auto", "wrk", "python"), default="auto")
    parser.add_argument(
        "--docs",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="rewrite the table in docs/benchmarks.md (default: on, off in --quick)",
    )
    parser.add_argument("--keep-workdir", action="store_true", help="keep logs and databases")
    return parser


def config_from_args(argv: list[str]) -> RunConfig:
    args = _parser().parse_args(argv)
    config = RunConfig.quick_mode() if args.quick else RunConfig()
    overrides = {
        "duration_s": args.duration,
        "rounds": args.rounds,
        "connections": args.connections,
        "store_size": args.store_size,
        "big_store_size": args.big_store_size,
        "postgres": args.postgres,
    }
    for name, value in overrides.items():
        if value is not None:
            setattr(config, name, value)
    if args.scenarios:
        chosen = tuple(s.strip() for s in args.scenarios.split(",") if s.strip())
        unknown = set(chosen) - set(ALL_SCENARIOS + OPTIONAL_SCENARIOS)
        if unknown:
            raise SystemExit(f"unknown scenarios: {', '.join(sorted(unknown))}")
        config.scenarios = chosen
    if args.http_servers:
        config.http_servers = tuple(s.strip() for s in args.http_servers.split(",") if s.strip())
    config.loadgen = args.loadgen
    if args.docs and config.partial:
        raise SystemExit(
            "a partial run (--scenarios) never rewrites the full run's table in docs/benchmarks.md"
        )
    config.write_docs = (not config.quick and not config.partial) if args.docs is None else args.docs
    config.keep_workdir = args.keep_workdir
    return config


def _terminate(_signum: int, _frame: FrameType | None) -> None:
    # Turn SIGTERM into the same unwinding as Ctrl-C, so `finally` kills the servers.
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    config = config_from_args(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, _terminate)
    # Explicitly: a shell starts background jobs with SIGINT ignored, and Python keeps that.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    from bench.runner import run  # after parsing: --help stays instant

    try:
        results = run(config)
    except KeyboardInterrupt:
        print("interrupted; servers stopped", file=sys.stderr)
        return 130
    # Exit status says whether the harness worked (CI smoke test), not whether targets were met.
    baseline = results[0]
    return 0 if baseline.status == "ok" and baseline.runs else 1


if __name__ == "__main__":
    sys.exit(main())
