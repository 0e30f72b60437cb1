"""In-process micro-benchmark of an uncached search request through the whole ASGI app (no HTTP, no database).

    .venv/bin/python -m bench.search_asgi [--requests 20000] [--rounds 5] [--profile OUT.prof]

On a shared 2-core machine wrk's requests/s drift by tens of percent between minutes; CPU time spent inside
the app for one request does not. This builds the app as ``./dev serve`` does (access log on, JSON lines,
written to /dev/null), puts a catalogue snapshot built from ``services_catalog/`` on its state (what the
catalogue lifespan would load from PostgreSQL), and drives it with synthetic ASGI scopes: the paths of the
``catalog_search_uncached`` endpoint (``bench.endpoints._searches``, every query distinct, so the shared
response cache only ever misses), and the bare litestar hello (``bench.bare_app``) in alternate rounds, for
a ratio. Figures are CPU µs per request of this thread (``time.thread_time_ns``); granian's own share of a
request is not in them, so the in-process ratio is higher than wrk's.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import gc
import os
import statistics
import sys
import time
from collections.abc import Awaitable, Callable, Sequence
from typing import Any

from bench.bare_app import create_bare_app
from bench.endpoints import _searches

App = Callable[[dict[str, Any], Any, Any], Awaitable[None]]


def search_app() -> App:
    """The service's app, its catalogue loaded from the committed folder, no lifespan (no database)."""
    from ishenzhen.app import create_app
    from ishenzhen.catalog.service import CatalogStore
    from ishenzhen.catalog.snapshot import CatalogSnapshot
    from ishenzhen.catalog.source.validator import load_catalog
    from ishenzhen.settings import load_settings

    environ = {"ISHENZHEN_ACCESS_LOG": "1", "ISHENZHEN_LOG_FORMAT": "json", "ISHENZHEN_WORKERS": "1"}
    app = create_app(load_settings(environ))
    catalog = load_catalog()
    store = CatalogStore(pool=None)  # type: ignore[arg-type]  # never refreshed here: no pool needed
    store.snapshot = CatalogSnapshot.build(
        1, catalog.items, catalog.departments, catalog.districts, catalog.themes, catalog.e_licence_types
    )
    app.state.catalog = store
    return app


def _scope(path: str) -> dict[str, Any]:
    route, _, query = path.partition("?")
    return {
        "type": "http",
        "asgi": {"version": "3.0", "spec_version": "2.3"},
        "http_version": "1.1",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 50000),
        "scheme": "http",
        "method": "GET",
        "root_path": "",
        "path": route,
        "raw_path": route.encode(),
        "query_string": query.encode(),
        "headers": [(b"host", b"127.0.0.1:8000"), (b"user-agent", b"wrk"), (b"accept", b"*/*")],
    }


async def _receive() -> dict[str, Any]:
    return {"type": "http.request", "body": b"", "more_body": False}


async def run(app: App, paths: Sequence[str], statuses: dict[int, int]) -> float:
    """CPU µs per request over ``paths``, each request a fresh scope as a server would make."""

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            statuses[message["status"]] = statuses.get(message["status"], 0) + 1

    started = time.thread_time_ns()
    for path in paths:
        await app(_scope(path), _receive, send)
    return (time.thread_time_ns() - started) / 1000 / len(paths)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.search_asgi", description=__doc__.split("\n")[0])
    parser.add_argument(
        "--requests", type=int, default=0, help="search requests per round [0: the whole cycle, ~33k]"
    )
    parser.add_argument("--rounds", type=int, default=5, help="alternating bare/search rounds [5]")
    parser.add_argument("--profile", metavar="OUT", help="cProfile one extra search round into OUT")
    args = parser.parse_args(argv)

    app = search_app()
    # The access lines are written to whatever sys.stderr is (ishenzhen.logging): /dev/null, as cheap as a pipe.
    sys.stderr = open(os.devnull, "w")  # for the rest of the process
    bare = create_bare_app()
    every = _searches()
    # The whole cycle in wrk's order by default: longer than the shared cache's doorkeeper remembers, so no
    # search is stored or answered from it. A shorter run strides through it (district views and queries mixed).
    step = max(1, len(every) // args.requests) if args.requests else 1
    paths = list(every[::step])[: args.requests or None]
    hello = ["/bench/reference"] * len(paths)
    loop = asyncio.new_event_loop()
    statuses: dict[int, int] = {}
    loop.run_until_complete(run(app, paths[:2000], {}))  # warm-up: the query normalisation caches fill
    loop.run_until_complete(run(bare, hello[:2000], {}))
    gc.collect()
    gc.freeze()  # as the served app does after loading: the snapshot is not rescanned by every collection
    search_us: list[float] = []
    bare_us: list[float] = []
    for _ in range(args.rounds):
        bare_us.append(loop.run_until_complete(run(bare, hello, {})))
        search_us.append(loop.run_until_complete(run(app, paths, statuses)))
    print(
        f"{len(paths)} distinct search paths a round (of {len(every)}), {args.rounds} rounds; statuses {statuses}"
    )
    print(
        f"bare hello   µs/request: median {statistics.median(bare_us):6.1f}  min {min(bare_us):6.1f}  all {_fmt(bare_us)}"
    )
    print(
        f"search       µs/request: median {statistics.median(search_us):6.1f}  min {min(search_us):6.1f}  all {_fmt(search_us)}"
    )
    print(f"in-process ratio bare/search: {statistics.median(bare_us) / statistics.median(search_us):.3f}")
    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        loop.run_until_complete(run(app, paths, {}))
        profiler.disable()
        profiler.dump_stats(args.profile)
        print(f"profile of one search round: {args.profile}")
    return 0


def _fmt(values: list[float]) -> str:
    return " ".join(f"{v:.1f}" for v in values)


if __name__ == "__main__":
    raise SystemExit(main())
