"""How fast does the site answer? Requests per second beside a bare aiohttp handler.

Servers on 127.0.0.1 in this one process, on one event loop:

* a bare aiohttp application whose one handler returns a fixed HTML page (the baseline),
* Banter's site, on a fresh database with the built-in packs: an item page (``/jokes/<id>``)
  as the site serves it (rendered once, then kept while nothing is written: ``web.pagecache``),
* the same page on a second instance of the site that keeps no pages, so every request reads
  the item and its rank from SQLite and renders the template,
* the site's JSON random endpoint (``/api/v1/random``: a fresh random read every time; random
  answers are never kept).

A client in the same process keeps a few connections open and sends a bounded number of
requests in rounds that take turns (bare, item page, random, then the next round in another
order), so that the machine's speed drifting during the run falls on all of them alike. Access
logs are off everywhere and the rate limit is out of the way. Target: the item page and the
random endpoint at 0.5x the bare handler or better.

    python bench/site.py [--rounds 10] [--requests 500] [--connections 8]
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import sys
import tempfile
import time
from pathlib import Path

# Run as a script, this file's own folder comes first on sys.path, where its name would stand in
# for the web package it measures.
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]

import aiohttp  # noqa: E402
from aiohttp import web  # noqa: E402

from bot.config import load_config  # noqa: E402
from bot.core import Core  # noqa: E402
from web.app import create_app  # noqa: E402
from web.ratelimit import RateLimiter  # noqa: E402

FIXED_PAGE = ("<!doctype html><html lang='en'><head><meta charset='utf-8'><title>Fixed</title></head>"
              "<body><main><h1>A fixed page</h1><p>The same bytes every time.</p></main></body></html>")


async def bare_handler(request: web.Request) -> web.Response:
    return web.Response(text=FIXED_PAGE, content_type="text/html")


async def serve(app: web.Application) -> tuple[web.AppRunner, str]:
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    return runner, f"http://127.0.0.1:{port}"


async def burst(http: aiohttp.ClientSession, url: str, count: int, connections: int) -> float:
    """Send ``count`` GETs over ``connections`` workers; return the seconds it took."""
    remaining = count

    async def worker() -> None:
        nonlocal remaining
        while remaining > 0:
            remaining -= 1
            async with http.get(url) as response:
                await response.read()
                if response.status != 200:
                    raise RuntimeError(f"{url} answered {response.status}")

    started = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(connections)))
    return time.perf_counter() - started


async def main(rounds: int, requests: int, connections: int) -> None:
    with tempfile.TemporaryDirectory(prefix="banter-bench-web-") as folder:
        await measure(Path(folder) / "bench.db", rounds, requests, connections)


async def measure(database: Path, rounds: int, requests: int, connections: int) -> None:
    config = dataclasses.replace(load_config(None, environ={}), database_path=database)
    core = await Core.open(config)
    bare = web.Application()
    bare.router.add_get("/", bare_handler)
    unlimited = RateLimiter(rate=1e9, burst=10**9)
    site = create_app(core.catalog, limiter=unlimited)
    rendering = create_app(core.catalog, limiter=unlimited, keep_pages=False)
    bare_runner, bare_url = await serve(bare)
    site_runner, site_url = await serve(site)
    rendering_runner, rendering_url = await serve(rendering)
    targets = {
        "bare aiohttp handler (fixed page)": f"{bare_url}/",
        "item page /jokes/5 (HTML, as served)": f"{site_url}/jokes/5",
        "item page, rendered every time": f"{rendering_url}/jokes/5",
        "random /api/v1/random (JSON)": f"{site_url}/api/v1/random",
    }
    seconds = dict.fromkeys(targets, 0.0)
    try:
        connector = aiohttp.TCPConnector(limit=connections * len(targets))
        async with aiohttp.ClientSession(connector=connector) as http:
            for url in targets.values():  # warm up: templates, caches, connections
                await burst(http, url, 50, connections)
            names = list(targets)
            for n in range(rounds):
                order = names[n % len(names):] + names[:n % len(names)]
                for name in order:
                    gc.collect()
                    seconds[name] += await burst(http, targets[name], requests, connections)
    finally:
        await rendering_runner.cleanup()
        await site_runner.cleanup()
        await bare_runner.cleanup()
        await core.close()
    total = rounds * requests
    rates = {name: total / spent for name, spent in seconds.items()}
    baseline = rates["bare aiohttp handler (fixed page)"]
    print(f"{total} requests each, {connections} connections, {rounds} interleaved rounds, one process")
    print(f"{'':40} {'req/s':>8} {'ratio':>6}")
    for name, rate in rates.items():
        print(f"{name:40} {rate:8.0f} {rate / baseline:6.2f}")
    for name in ("item page /jokes/5 (HTML, as served)", "random /api/v1/random (JSON)"):
        ratio = rates[name] / baseline
        print(f"target >= 0.5x the bare handler, {name}: {'met' if ratio >= 0.5 else 'NOT met'} ({ratio:.3f})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=10)
    parser.add_argument("--requests", type=int, default=500, help="requests per target in each round")
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    asyncio.run(main(args.rounds, args.requests, args.connections))
