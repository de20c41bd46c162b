"""The site in a real headless browser (Debian's chromium, driven by Playwright).

Selected alone with ``pytest -m browser``; part of every ``pytest`` run too. Without chromium
these tests fail and say how to install it, unless BANTER_SKIP_BROWSER=1 asks to skip them. They
also take the README's screenshots (phone and desktop widths; into docs/screenshots/ when
BANTER_SCREENSHOTS=1 asks, see the ``screenshots`` fixture).
"""

from __future__ import annotations

import dataclasses
import os
import random
import shutil
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import msgspec
import pytest
import pytest_asyncio

from bot.clock import ManualClock
from bot.config import load_config
from bot.core import Core
from tests.template_db import seeded
from tests.web.support import GENEROUS, add_discussion, add_joke, vote
from web.app import create_app
from web.server import WebServer

if TYPE_CHECKING:
    from playwright.async_api import Browser, ConsoleMessage, Page, ViewportSize

pytestmark = [pytest.mark.browser, pytest.mark.asyncio(loop_scope="module")]

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]
PHONE: ViewportSize = {"width": 390, "height": 844}
# What has the keyboard focus: its tag and its text (or, for a field, its name).
FOCUSED = "() => { const e = document.activeElement; return (e.tagName + ' ' + (e.innerText || e.name || '')).trim() }"
DESKTOP: ViewportSize = {"width": 1280, "height": 900}


@dataclasses.dataclass
class Site:
    url: str
    joke_id: int
    topic_id: int
    dark_id: int


def chromium() -> str:
    """The browser to drive, or a failure that says what to do (a skip only when asked for)."""
    if os.environ.get("BANTER_SKIP_BROWSER") == "1":
        pytest.skip("BANTER_SKIP_BROWSER=1: the browser tests are skipped")
    path = shutil.which("chromium")
    if path is None:
        pytest.fail("the browser tests need Debian's chromium: run `apt-get install -y chromium` as root "
                    "(or set BANTER_SKIP_BROWSER=1 to skip them)", pytrace=False)
    return path


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def site(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Site]:
    folder = tmp_path_factory.mktemp("browser-site")
    config = await seeded(msgspec.structs.replace(load_config(None, environ={}), database_path=folder / "banter.db"))
    clock = ManualClock(datetime(2026, 3, 14, 12, 0, tzinfo=UTC))
    core = await Core.open(config, clock=clock, rng=random.Random(7))
    try:
        joke = await add_joke(core, "browser-joke", setup="Why did the browser cross the road?",
                              punchline="To reach the other site.", categories=("programming",),
                              moods=("happy",), credit="Banter tests")
        topic = await add_discussion(
            core, "browser-topic", title="Working from home",
            question="Is the kitchen table a better office than the office?",
            benefits=("No commute: the time is yours.", "Quiet, when the house is."),
            disadvantages=("The fridge is always there.", "Fewer chance meetings with colleagues."),
            points=(("Set a boundary", "A time or a room where work stops."),
                    ("Keep in touch", "A call a day keeps the silence away."),
                    ("Move about", "A walk at lunch is a commute of its own.")),
            credit="Banter tests")
        dark = await add_joke(core, "browser-dark", text="A joke too dark for safe mode.", flags=("dark",))
        jokes = [item for item in await core.storage.items.find(kind="joke", global_only=True) if not item.flags]
        for n, item in enumerate(jokes[:30]):
            await vote(core, item.id, up=30 - n, down=n % 3)
        await vote(core, joke.id, up=40)
        await vote(core, topic.id, up=12, down=1)
        server = WebServer(create_app(core.catalog, limiter=GENEROUS), "127.0.0.1", 0)
        await server.start()
        try:
            yield Site(server.url, joke.id, topic.id, dark.id)
        finally:
            await server.stop()
    finally:
        await core.close()


@pytest_asyncio.fixture(loop_scope="module", scope="module")
async def browser() -> AsyncIterator[Browser]:
    executable = chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            yield launched
        finally:
            await launched.close()


@pytest_asyncio.fixture(loop_scope="module")
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context(viewport=DESKTOP)
    page = await context.new_page()
    errors: list[str] = []

    def console(message: ConsoleMessage) -> None:
        # A page answered 404 on purpose (a hidden item) is reported as a failed load too.
        if message.type == "error" and message.location.get("url") != page.url:
            errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", console)
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        yield page
    finally:
        await context.close()
    assert errors == []  # no script errors, no refused resources (the CSP would report them here)


async def test_browse_to_a_joke_and_reveal_its_punchline(page: Page, site: Site) -> None:
    await page.goto(site.url + "/")
    await page.get_by_role("navigation", name="Main").get_by_role("link", name="Jokes").click()
    await page.wait_for_url("**/jokes")
    assert await page.get_by_role("heading", level=1).inner_text() == "Jokes"
    await page.get_by_role("link", name="Banter", exact=True).click()
    top_week = page.get_by_role("region", name="Top jokes this week")
    await top_week.get_by_role("link", name=f"#1 Joke {site.joke_id}").click()
    await page.wait_for_url(f"**/jokes/{site.joke_id}")
    punchline = page.locator(".punchline")
    assert not await punchline.is_visible()
    await page.get_by_text("Show the punchline").click()
    assert await punchline.is_visible()
    assert await punchline.inner_text() == "To reach the other site."
    assert "Ranked #1 of all jokes" in await page.locator(".rank").inner_text()


async def test_the_reveal_works_without_javascript(browser: Browser, site: Site) -> None:
    context = await browser.new_context(viewport=PHONE, java_script_enabled=False)
    try:
        page = await context.new_page()
        await page.goto(f"{site.url}/jokes/{site.joke_id}")
        assert not await page.locator(".punchline").is_visible()
        await page.locator("summary").click()
        assert await page.locator(".punchline").is_visible()
    finally:
        await context.close()


async def test_search_from_the_header(page: Page, site: Site) -> None:
    await page.goto(site.url + "/top")
    await page.get_by_label("Search", exact=True).fill("browser cross")
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/search?q=browser+cross")
    assert "1 match for" in await page.get_by_role("heading", level=2).first.inner_text()
    await page.get_by_role("link", name=f"Joke {site.joke_id}", exact=True).click()
    await page.wait_for_url(f"**/jokes/{site.joke_id}")


async def test_page_through_the_top_lists(page: Page, site: Site) -> None:
    await page.goto(site.url + "/top")
    await page.get_by_role("navigation", name="Top lists").get_by_role("link", name="all time").click()
    await page.wait_for_url("**/top?type=joke&period=all")
    first = await page.locator(".card-title").all_inner_texts()
    assert first[0].startswith("#1") and len(first) == 20
    await page.get_by_role("link", name="Next →").click()
    await page.wait_for_url("**page=2")
    second = await page.locator(".card-title").all_inner_texts()
    assert second[0].startswith("#21") and not set(first) & set(second)
    assert await page.locator("ol.cards").get_attribute("start") == "21"
    await page.get_by_role("link", name="← Previous").click()
    await page.wait_for_url("**/top?type=joke&period=all")
    await page.get_by_role("navigation", name="Top lists").get_by_role("link", name="Discussions").click()
    assert "Working from home" in await page.locator(".card-title").first.inner_text()


async def test_safe_mode_toggles_on_the_page_and_is_remembered(page: Page, site: Site) -> None:
    await page.goto(f"{site.url}/jokes/{site.dark_id}")
    assert "hidden while safe mode is on" in await page.locator("main").inner_text()
    await page.get_by_role("button", name="Turn safe mode off").click()
    await page.wait_for_url(f"**/jokes/{site.dark_id}?safe=off")
    assert "A joke too dark for safe mode." in await page.locator("main").inner_text()
    await page.goto(f"{site.url}/jokes/{site.dark_id}")  # no parameter: the cookie remembers
    assert "A joke too dark for safe mode." in await page.locator("main").inner_text()
    await page.get_by_role("button", name="Turn safe mode on").click()
    assert "hidden while safe mode is on" in await page.locator("main").inner_text()


async def test_the_main_controls_are_reachable_by_keyboard_alone(page: Page, site: Site) -> None:
    await page.goto(site.url + "/")
    reached: list[str] = []
    for _ in range(12):
        await page.keyboard.press("Tab")
        reached.append(await page.evaluate(FOCUSED))
        outline = await page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", reached[-1]
    assert reached[0] == "A Skip to content"
    for wanted in ("A Jokes", "A Discussions", "A Top", "A Categories", "A Random", "INPUT q", "BUTTON Search",
                   "BUTTON Turn safe mode off"):
        assert wanted in reached, (wanted, reached)
    # The skip link lands in the main content; then search by keyboard alone.
    await page.goto(site.url + "/")
    await page.keyboard.press("Tab")
    await page.keyboard.press("Enter")
    assert await page.evaluate("() => document.activeElement.id") == "main"
    await page.focus("#site-search")
    await page.keyboard.type("astronaut")
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/search?q=astronaut")
    # A punchline opens from the keyboard too.
    await page.goto(f"{site.url}/jokes/{site.joke_id}")
    await page.focus("summary")
    await page.keyboard.press("Enter")
    assert await page.locator(".punchline").is_visible()


@pytest.mark.parametrize(("width", "viewport"), [("phone", PHONE), ("desktop", DESKTOP)])
async def test_screenshots_and_no_sideways_scrolling(browser: Browser, site: Site, width: str,
                                                     viewport: ViewportSize, screenshots: Path) -> None:
    context = await browser.new_context(viewport=viewport, device_scale_factor=1)
    try:
        page = await context.new_page()
        shots = {"home": "/", "joke": f"/jokes/{site.joke_id}", "discussion": f"/discussions/{site.topic_id}",
                 "top": "/top?period=all", "search": "/search?q=space"}
        for name, path in shots.items():
            await page.goto(site.url + path)
            if name == "joke":
                await page.locator("summary").click()
            overflow = await page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px at {viewport['width']}px"
            await page.screenshot(path=str(screenshots / f"{name}-{width}.png"))
            assert (screenshots / f"{name}-{width}.png").stat().st_size > 5_000
    finally:
        await context.close()
