"""``python -m ishenzhen_simulators.data_platform --port P --seed S``: the data-sharing platform stand-in."""

from __future__ import annotations

import argparse
import os
import sys
import time


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m ishenzhen_simulators.data_platform",
        description="Simulated city data-sharing platform (population, legal persons, e-licences, credit)",
    )
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8701)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--people", type=int, default=120_000)
    parser.add_argument("--enterprises", type=int, default=24_000)
    parser.add_argument(
        "--knob",
        action="append",
        default=[],
        metavar="SOURCE=MODE[:MS]",
        help="start with a source slow, down or inconsistent, e.g. credit=slow:800 or all=down",
    )
    arguments = parser.parse_args(argv)
    if arguments.people < 100_000 or arguments.enterprises < 20_000:
        print("the platform holds at least 100,000 people and 20,000 enterprises", file=sys.stderr)
        return 2
    started = time.perf_counter()
    from ishenzhen_simulators.data_platform.app import knobs_from_text

    try:
        knobs_from_text(",".join(arguments.knob))
    except ValueError as exc:
        print(exc, file=sys.stderr)
        return 2
    from granian import Granian
    from granian.constants import Interfaces

    os.environ["DATA_PLATFORM_SEED"] = str(arguments.seed)
    os.environ["DATA_PLATFORM_PEOPLE"] = str(arguments.people)
    os.environ["DATA_PLATFORM_ENTERPRISES"] = str(arguments.enterprises)
    os.environ["DATA_PLATFORM_KNOBS"] = ",".join(arguments.knob)
    print(
        f"data platform (seed {arguments.seed}, {arguments.people} people, {arguments.enterprises} enterprises) "
        f"on http://{arguments.host}:{arguments.port} ready to start after {time.perf_counter() - started:.2f}s",
        flush=True,
    )
    Granian(
        "ishenzhen_simulators.data_platform.app:create_app_from_environment",
        factory=True,
        address=arguments.host,
        port=arguments.port,
        workers=1,
        interface=Interfaces.ASGI,
        log_access=False,
    ).serve()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
