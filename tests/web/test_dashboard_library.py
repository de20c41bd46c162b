"""The dashboard's library and daily pages, a server's own public page (and that its content
leaks nowhere else), hostile content shown as text, and the dashboard when it is off or the bot
is not running."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import aiohttp
import pytest
import yarl
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.config import DashboardConfig
from bot.core import Core
from bot.errors import Code, Codes, Command, Mention, Seconds, UserError
from bot.members import FORMER_MEMBER
from bot.services.bot_link import Named, ServerView
from discord_emulator import Permissions as P
from tests.e2e.harness import START
from tests.support import stored
from tests.web.dashboard_world import SESSION_SECRET, ZEBRA, DashWorld, csrf_of, log_in
from tests.web.support import GENEROUS
from web.app import create_app
from web.moderators import DashboardParts, error_text
from web.sessions import LOGIN_COOKIE, SESSION_COOKIE, Sessions, safe_next

HOSTILE = '<script>alert("x")</script> "><img src=x onerror=alert(1)> \' onmouseover=alert(2)'


async def approved(w: DashWorld, values: dict[str, str]) -> int:
    """A suggestion from bob, approved by carol in Discord; the new item's id."""
    case_id = await w.suggest(w.bob, values)
    review = await (await w.emu.slash(w.carol, w.general, "review")).original_message()
    ix = await w.emu.click(w.carol, review, custom_id=f"review:{case_id}:approve")
    await ix.response()
    found = re.search(r"it is now joke #(\d+)", w.emu.get_message(review.id).content)
    assert found is not None
    return int(found.group(1))


async def get(http: aiohttp.ClientSession, url: str, params: dict[str, str] | None = None) -> tuple[int, str]:
    async with http.get(url, params=params) as answer:
        return answer.status, await answer.text()


async def test_a_servers_page_shows_its_content_only_when_it_opts_in_and_only_there(
        w: DashWorld, http: aiohttp.ClientSession) -> None:
    item_id = await approved(w, ZEBRA)
    server_page = f"{w.url}/servers/{w.guild.id}"
    for url in (server_page, f"{server_page}/jokes/{item_id}"):
        status, text = await get(http, url)
        assert status == 404 and "zebracorn" not in text
    reply = await (await w.emu.slash(w.carol, w.general, "settings public-page", enabled=True)).original_message()
    assert reply.content.startswith("Saved.") and f"/servers/{w.guild.id}" in reply.content
    status, text = await get(http, server_page)
    assert status == 200 and ZEBRA["joke"] in text and f"/servers/{w.guild.id}/jokes/{item_id}" in text
    status, text = await get(http, f"{server_page}/jokes/{item_id}")
    assert status == 200 and ZEBRA["punchline"] in text
    # Nowhere else: not the global pages, not the API, not another server's address.
    leaks = [f"/jokes/{item_id}", f"/api/v1/items/{item_id}", "/search?q=zebracorn", "/api/v1/search?q=zebracorn",
             "/jokes?category=misc", "/top?period=all", f"/servers/{w.other.id}/jokes/{item_id}"]
    for path in leaks:
        status, text = await get(http, w.url + path)
        assert "refuse the race" not in text and "striped" not in text, path
    for _ in range(20):
        status, text = await get(http, f"{w.url}/api/v1/random?amount=10")
        assert f'"id": {item_id},' not in text
    other_general = next(iter(w.other.channels.values()))
    await (await w.emu.slash(w.olga, other_general, "settings public-page", enabled=True)).original_message()
    assert (await get(http, f"{w.url}/servers/{w.other.id}/jokes/{item_id}"))[0] == 404
    global_joke = (await w.core.storage.items.find(kind="joke", global_only=True))[0]
    assert (await get(http, f"{server_page}/jokes/{global_joke.id}"))[0] == 404
    await (await w.emu.slash(w.carol, w.general, "settings public-page", enabled=False)).original_message()
    assert (await get(http, server_page))[0] == 404


async def test_the_library_search_edit_flag_remove_and_restore(w: DashWorld, http: aiohttp.ClientSession) -> None:
    item_id = await approved(w, ZEBRA)
    await log_in(w, w.carol, http)
    library = f"{w.url}/dashboard/{w.guild.id}/library"
    status, found = await get(http, library, params={"q": "zebracorn"})
    assert status == 200 and "1 match" in found and f'href="/dashboard/{w.guild.id}/library/{item_id}"' in found
    status, form = await get(http, f"{library}/{item_id}/edit")
    base = re.search(r'name="base" value="([^"]+)"', form)
    assert base is not None and ZEBRA["punchline"] in form
    edit = {"csrf": csrf_of(form), "base": base.group(1), "joke": ZEBRA["joke"],
            "punchline": "It had stripes to spare.", "categories": "animals", "flags": ""}
    async with http.post(f"{library}/{item_id}/edit", data=edit) as answer:
        page = await answer.text()
    assert answer.status == 200 and "the previous version is kept" in page and "It had stripes to spare." in page
    assert "Before the edit of" in page and ZEBRA["punchline"] in page  # the version
    async with http.post(f"{library}/{item_id}/edit", data=edit) as answer:
        assert answer.status == 400 and "changed by someone else" in html.unescape(await answer.text())
    token = csrf_of(page)
    async with http.post(f"{library}/{item_id}/flag", data={"csrf": token, "flag": "dark", "on": "on"}) as answer:
        assert "Turned dark on." in await answer.text()
    async with http.post(f"{library}/{item_id}/remove", data={"csrf": token, "reason": "Enough zebras"}) as answer:
        assert "Removed from this server." in await answer.text()
    assert (await stored(w.core, item_id)).status == "retired"
    async with http.post(f"{library}/{item_id}/restore", data={"csrf": token}) as answer:
        assert "Restored" in await answer.text()
    assert (await stored(w.core, item_id)).status == "active"
    for text in ("edited joke", "turned dark on for joke", "removed joke", "restored joke"):
        await w.modlog_post(text)
    status, audit = await get(http, f"{w.url}/dashboard/{w.guild.id}/audit")
    assert "Enough zebras" in audit and f"restored joke #{item_id}" in audit
    status, _ = await get(http, library, params={"q": "x" * 300})
    assert status == 400


async def test_hostile_content_is_shown_as_text(w: DashWorld, http: aiohttp.ClientSession) -> None:
    case_id = await w.suggest(w.bob, {"joke": HOSTILE, "punchline": "</p><b>bold?</b>"})
    await log_in(w, w.carol, http)
    status, queue = await get(http, f"{w.url}/dashboard/{w.guild.id}")
    assert status == 200 and f"Suggestion #{case_id}" in queue
    assert "<script>alert" not in queue and "<img src=x" not in queue and "<b>bold?</b>" not in queue
    assert html.escape(HOSTILE, quote=False).replace('"', "&#34;").replace("'", "&#39;") in queue


async def test_the_daily_page_shows_the_schedule(w: DashWorld, http: aiohttp.ClientSession) -> None:
    await (await w.emu.slash(w.carol, w.general, "daily set", channel=w.general, time="12:30",
                             timezone="Europe/London")).original_message()
    await log_in(w, w.carol, http)
    status, page = await get(http, f"{w.url}/dashboard/{w.guild.id}/daily")
    assert status == 200 and "12:30 (Europe/London)" in page and "#general" in page


async def test_the_daily_page_says_in_words_why_a_post_failed(w: DashWorld, http: aiohttp.ClientSession) -> None:
    await (await w.emu.slash(w.carol, w.general, "daily set", channel=w.general, time="12:30",
                             timezone="Europe/London")).original_message()
    w.emu.set_overwrite(w.general, w.emu.bot_user, deny=int(P.SEND_MESSAGES))
    await w.b.at(START + timedelta(minutes=30))
    await log_in(w, w.carol, http)
    status, page = await get(http, f"{w.url}/dashboard/{w.guild.id}/daily")
    # The ledger keeps the reason as data; the site, which speaks English, words it.
    assert status == 200 and "I am not allowed to post in #general (" in page and "note&#34;" not in page


async def test_the_dashboard_says_it_is_off_when_not_configured(core: Core) -> None:
    async with TestClient(TestServer(create_app(core.catalog, limiter=GENEROUS))) as client:
        answer = await client.get("/dashboard")
        assert answer.status == 200 and "dashboard is off" in await answer.text()
        answer = await client.get("/login", allow_redirects=False)
        assert answer.status == 303 and answer.headers["Location"] == "/dashboard"


async def test_the_site_alone_says_the_dashboard_needs_the_bot(core: Core) -> None:
    config = DashboardConfig(1234, "secret", SESSION_SECRET, "http://127.0.0.1:9")
    parts = DashboardParts(core.moderation, core.daily, core.bot_link, config)  # no bot attached
    cookie = Sessions(SESSION_SECRET, core.clock.now, secure=False).seal(
        {"uid": "42", "name": "someone", "csrf": "t", "servers": ["7"]})
    async with TestClient(TestServer(create_app(core.catalog, limiter=GENEROUS, dashboard=parts))) as client:
        client.session.cookie_jar.update_cookies({SESSION_COOKIE: cookie})
        for path in ("/dashboard", "/dashboard/7"):
            answer = await client.get(path)
            assert answer.status == 503 and "needs the bot" in await answer.text()
        client.session.cookie_jar.clear()
        answer = await client.get("/login", allow_redirects=False)
        assert answer.headers["Location"].startswith("http://127.0.0.1:9/oauth2/authorize?client_id=1234&")
        state = yarl.URL(answer.headers["Location"]).query["state"]
        answer = await client.get("/login/callback", params={"code": "c", "state": state})
        assert answer.status == 503 and "needs the bot" in await answer.text()
        assert SESSION_COOKIE not in answer.cookies


def test_sessions_refuse_old_and_foreign_cookies() -> None:
    now = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)
    sessions = Sessions(SESSION_SECRET, lambda: now, secure=True)
    sealed = sessions.seal({"x": 1})
    assert sessions.unseal(sealed, 60) == {"x": 1}
    assert Sessions("another-secret-of-thirty-two-characters", lambda: now, secure=True).unseal(sealed, 60) is None
    later = Sessions(SESSION_SECRET, lambda: now.replace(hour=13), secure=True)
    assert later.unseal(sealed, 60) is None and later.unseal(sealed, 7200) == {"x": 1}


@pytest.mark.parametrize(("asked", "goes"), [
    ("/dashboard/12/audit?x=1", "/dashboard/12/audit?x=1"), ("/", "/"), (None, "/dashboard"),
    ("https://evil.example/", "/dashboard"), ("//evil.example", "/dashboard"), ("/\\evil.example", "/dashboard"),
    ("http:/evil.example", "/dashboard"), ("/ok\x00", "/dashboard"), ("dashboard", "/dashboard"),
])
def test_a_login_only_goes_back_to_this_sites_paths(asked: str | None, goes: str) -> None:
    assert safe_next(asked) == goes


@pytest.mark.parametrize("secure", [True, False])
def test_session_cookies_are_http_only_lax_and_secure_over_https(secure: bool) -> None:
    sessions = Sessions(SESSION_SECRET, lambda: datetime(2026, 3, 14, tzinfo=UTC), secure=secure)
    response = web.Response()
    sessions.start(response, 42, "carol", [1, 2])
    sessions.begin_login(response, "/dashboard")
    for name in (SESSION_COOKIE, LOGIN_COOKIE):
        cookie = response.cookies[name]
        assert cookie["httponly"] is True and cookie["samesite"] == "Lax"
        assert bool(cookie["secure"]) is secure
    assert "carol" not in response.cookies[SESSION_COOKIE].value  # sealed, not readable


def test_the_services_values_read_as_words_with_the_servers_own_names() -> None:
    error = UserError("{who} set {channel} and {role}; {other} is gone; try {command} {code} ({codes}, {wait})",
                      who=Mention("user", FORMER_MEMBER), channel=Mention("channel", 5), role=Mention("role", 6),
                      other=Mention("channel", 9), command=Command("daily set"), code=Code("09:00"),
                      codes=Codes(("pun", "space")), wait=Seconds(90))
    server = ServerView(1, "Test server", (Named(5, "general"),), (Named(6, "mods"),))
    assert error_text(error, server) == ("a former member set #general and @mods; channel 9 is gone; "
                                         "try /daily set 09:00 (pun, space, 90 seconds)")
    assert error_text(error).startswith("a former member set channel 5 and role 6;")
