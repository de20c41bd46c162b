"""The dashboard in a real headless browser (Debian's chromium through Playwright): a moderator
logs in through the emulator's OAuth2 page, approves a suggestion, turns the server's public page
on, and the joke is then in Discord's picks and on the site. Takes the dashboard's screenshots
for docs/web.md."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from discord_emulator import Message
from tests.web.dashboard_world import dashboard_world
from tests.web.test_browser import CHROMIUM_ARGS, DESKTOP, PHONE, chromium

if TYPE_CHECKING:
    from playwright.async_api import Page

pytestmark = pytest.mark.browser

ZEBRA = {"joke": "Why did the zebracorn refuse the race?", "punchline": "It was already striped for success.",
         "categories": "animals"}
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


async def shoot(page: Page, folder: Path, name: str) -> None:
    overflow = await page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"
    await page.screenshot(path=str(folder / f"{name}.png"), full_page=True)
    assert (folder / f"{name}.png").stat().st_size > 5_000


def described(message: Message) -> str:
    assert message.embed is not None
    return str(message.embed["description"])


async def test_a_moderator_logs_in_approves_and_the_joke_is_in_discord_and_on_the_site(tmp_path: Path,
                                                                                        screenshots: Path) -> None:
    executable = chromium()
    from playwright.async_api import async_playwright

    async with dashboard_world(tmp_path) as w:
        case_id = await w.suggest(w.bob, ZEBRA)
        hostile = await w.suggest(w.bob, {"joke": HOSTILE, "punchline": "Still only text."})
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
            try:
                context = await browser.new_context(viewport=DESKTOP, device_scale_factor=1)
                page = await context.new_page()
                dialogs: list[str] = []
                page.on("dialog", lambda dialog: dialogs.append(dialog.message))
                await page.goto(w.url + "/dashboard")
                await page.get_by_role("link", name="Log in with Discord").click()
                # The emulator's authorize page: choose who is signed in, then Authorize.
                await page.wait_for_url(re.compile(r".*/oauth2/authorize\?.*"))
                await page.get_by_label("Signed in as").select_option(label="carol")
                await page.get_by_role("button", name="Authorize").click()
                await page.wait_for_url(w.url + "/dashboard")
                assert "Logged in as carol" in await page.locator(".who").inner_text()
                await page.get_by_role("link", name="Test server").click()
                await page.wait_for_url(f"{w.url}/dashboard/{w.guild.id}")
                assert "2 cases are waiting." in await page.locator("main").inner_text()
                card = page.locator("article.case").filter(has_text=f"Suggestion #{hostile}")
                assert HOSTILE in await card.inner_text()  # shown as text, run as nothing
                await shoot(page, screenshots, "dashboard-queue")

                await page.get_by_role("button", name=f"Approve #{case_id}").click()
                note = page.get_by_role("status")
                assert f"Approved suggestion #{case_id}: it is now joke #" in await note.inner_text()
                item_id = int(re.findall(r"joke #(\d+)", await note.inner_text())[0])

                await page.get_by_role("link", name="Settings").click()
                await page.get_by_label(re.compile("^Public page")).check()
                await page.get_by_role("button", name="Save settings").click()
                assert await page.get_by_role("status").inner_text() == "Saved."
                await shoot(page, screenshots, "dashboard-settings")
                await page.get_by_role("link", name="Audit log").click()
                log = await page.locator("ol.audit").inner_text()
                assert f"approved suggestion #{case_id}" in log and "public page off → on" in log
                await shoot(page, screenshots, "dashboard-audit")

                await page.goto(f"{w.url}/servers/{w.guild.id}")
                await page.get_by_role("link", name=f"Joke {item_id}").click()
                await page.wait_for_url(f"**/servers/{w.guild.id}/jokes/{item_id}")
                await page.get_by_text("Show the punchline").click()
                assert await page.locator(".punchline").inner_text() == ZEBRA["punchline"]

                phone = await browser.new_context(viewport=PHONE, device_scale_factor=1,
                                                  storage_state=await context.storage_state())
                small = await phone.new_page()
                await small.goto(f"{w.url}/dashboard/{w.guild.id}")
                await shoot(small, screenshots, "dashboard-queue-phone")
                await phone.close()
                assert dialogs == []
                await context.close()
            finally:
                await browser.close()
        # In Discord: the approved joke is in the picks, and the mod-log has the approval.
        picked = await (await w.emu.slash(w.bob, w.general, "joke", search="zebracorn")).original_message()
        assert described(picked).startswith(ZEBRA["joke"])
        await w.emu.wait_for_message(w.modlog, lambda m: any(f"approved suggestion #{case_id}" in
                                                             (e.get("description") or "") for e in m.embeds))
