"""The site's fixtures: the real core on a copy of the seeded database, the app over it, and an
aiohttp test client (a real server on a free port of 127.0.0.1)."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestClient, TestServer

from bot.core import Core
from bot.services.catalog import CatalogService
from tests.web.dashboard_world import DashWorld, dashboard_world, http_client
from tests.web.support import GENEROUS
from web.app import create_app
from web.ratelimit import RateLimiter


@dataclass
class FakeTime:
    """A monotonic clock that moves only when told to (for the rate limiter)."""

    now: float = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the browser tests put their screenshots: docs/screenshots/ when BANTER_SCREENSHOTS=1
    asks to retake the docs' images, else a temporary folder, so that a plain run leaves the
    committed images alone (they come out a few bytes different every time)."""
    if os.environ.get("BANTER_SCREENSHOTS") == "1":
        folder = Path(__file__).resolve().parents[2] / "docs" / "screenshots"
        folder.mkdir(parents=True, exist_ok=True)
        return folder
    return tmp_path_factory.mktemp("screenshots")


@pytest.fixture
def fake_time() -> FakeTime:
    return FakeTime()


@pytest.fixture
async def client(core: Core) -> AsyncIterator[TestClient]:
    async with TestClient(TestServer(create_app(core.catalog, limiter=GENEROUS))) as c:
        yield c


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[DashWorld]:
    """The dashboard's world (tests.web.dashboard_world), for the tests of the dashboard over HTTP."""
    async with dashboard_world(tmp_path) as world:
        yield world


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    """A browser's HTTP session for the dashboard: it keeps the site's cookies."""
    async with http_client() as session:
        yield session


@pytest.fixture
def make_client(core: Core) -> Callable[..., TestClient]:
    """A client for an app built with other arguments (its server starts on entering it)."""

    def make(*, catalog: CatalogService | None = None, limiter: RateLimiter | None = None,
             keep_pages: bool = True) -> TestClient:
        app = create_app(catalog if catalog is not None else core.catalog, limiter=limiter, keep_pages=keep_pages)
        return TestClient(TestServer(app))

    return make
