"""``python -m ishenzhen_simulators --config FILE --process NAME [--host H] [--port P]``.

Prints one JSON line ``{"ready": true, "process": NAME, "port": P}`` on stdout once it listens (port 0 picks a
free one), logs to stderr, and stops cleanly on SIGINT or SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import signal
import sys
from pathlib import Path

import structlog
from aiohttp import web

from ishenzhen_simulators.config import load_config
from ishenzhen_simulators.server import build_app


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="ishenzhen_simulators", description="department back-end simulators"
    )
    parser.add_argument(
        "--config", type=Path, required=True, help="the simulators' configuration file (JSON)"
    )
    parser.add_argument("--process", required=True, help="which process of the configuration to run")
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on [127.0.0.1]")
    parser.add_argument("--port", type=int, help="port [the configuration's, else a free one]")
    parser.add_argument("--seed", type=int, help="seed for simulated latency and errors")
    parser.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])
    return parser.parse_args(argv)


async def _serve(arguments: argparse.Namespace) -> None:
    config = load_config(arguments.config)
    process = config.process(arguments.process)
    app = build_app(config, process.departments, arguments.seed)
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    port = arguments.port if arguments.port is not None else process.port
    site = web.TCPSite(runner, arguments.host, port, backlog=1024, reuse_address=True)
    try:
        await site.start()
    except OSError as exc:
        if not port:
            raise
        # A fixed development port taken (another checkout's serve, a parallel test run): take a free one;
        # whoever started us reads the port from the ready line, so nothing else needs to know.
        print(
            f"ishenzhen_simulators: port {port} unavailable ({exc.strerror}); using a free port",
            file=sys.stderr,
        )
        site = web.TCPSite(runner, arguments.host, 0, backlog=1024, reuse_address=True)
        await site.start()
    bound = runner.addresses[-1][1]
    print(json.dumps({"ready": True, "process": process.name, "port": bound}), flush=True)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    # Whoever started us may die without stopping us (SIGKILL): then we are re-parented, and stop too.
    parent = os.getppid()

    async def watch_parent() -> None:
        while os.getppid() == parent:  # noqa: ASYNC110 - the kernel gives no event for a parent's death
            await asyncio.sleep(1.0)
        stop.set()

    watcher = asyncio.create_task(watch_parent())
    try:
        await stop.wait()
    finally:
        watcher.cancel()
        await runner.cleanup()


def main(argv: list[str] | None = None) -> int:
    arguments = _arguments(argv)
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(getattr(logging, arguments.log_level.upper())),
        logger_factory=structlog.PrintLoggerFactory(sys.stderr),
    )
    try:
        asyncio.run(_serve(arguments))
    except KeyboardInterrupt:
        return 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
