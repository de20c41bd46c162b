"""The moderators' dashboard over HTTP, with the real bot on the emulator: logging in with
Discord's OAuth2, who may see and do what (checked through the bot at each visit), CSRF, the
login's state, redirects, and every action landing in the audit log and the mod-log channel."""

from __future__ import annotations

import re

import aiohttp
import pytest
import yarl

from tests.web.dashboard_world import ZEBRA, DashWorld, csrf_of, http_client, log_in
from web.sessions import SESSION_COOKIE


async def case_status(w: DashWorld, case_id: int, guild_id: int | None = None) -> str:
    case = await w.core.storage.moderation.get_case(case_id, guild_id or w.guild.id)
    assert case is not None
    return case.status


async def test_a_moderator_logs_in_sees_their_servers_and_approves(w: DashWorld, http: aiohttp.ClientSession) -> None:
    case_id = await w.suggest(w.bob, ZEBRA)
    page = await log_in(w, w.carol, http)
    assert "Logged in as <strong>carol</strong>" in page
    assert f'href="/dashboard/{w.guild.id}"' in page and "Test server" in page
    assert "Other server" not in page  # a member there, not a moderator
    async with http.get(f"{w.url}/dashboard/{w.guild.id}") as answer:
        queue = await answer.text()
        assert answer.headers["Cache-Control"] == "no-store"
    assert "1 case is waiting." in queue and ZEBRA["joke"] in queue
    async with http.post(f"{w.url}/dashboard/{w.guild.id}/cases/{case_id}/approve",
                         data={"csrf": csrf_of(queue)}) as answer:
        done = await answer.text()
    assert answer.status == 200 and f"Approved suggestion #{case_id}: it is now joke #" in done
    assert "The review queue is empty." in done
    post = await w.modlog_post(f"approved suggestion #{case_id}")
    assert f"<@{w.carol.id}>" in post.embeds[0]["description"]
    dm = await w.emu.wait_for_message(w.emu.dm_channel(w.bob), lambda m: "was approved" in m.content)
    assert f"#{case_id}" in dm.content
    picked = await (await w.emu.slash(w.bob, w.general, "joke", search="zebracorn")).original_message()
    assert picked.embed is not None and str(picked.embed["description"]).startswith(ZEBRA["joke"])
    async with http.get(f"{w.url}/dashboard/{w.guild.id}/audit") as answer:
        audit = await answer.text()
    assert f"user {w.carol.id} approved suggestion #{case_id} from user {w.bob.id}" in audit


async def test_the_moderator_role_counts_and_losing_it_counts_at_the_next_visit(w: DashWorld,
                                                                                http: aiohttp.ClientSession) -> None:
    await log_in(w, w.dave, http)
    async with http.get(f"{w.url}/dashboard/{w.guild.id}") as answer:
        assert answer.status == 200
    w.emu.set_roles(w.dave, [])
    async with http.get(f"{w.url}/dashboard/{w.guild.id}") as answer:
        assert answer.status == 403 and "not a moderator of that server" in await answer.text()


async def test_a_member_without_rights_cannot_see_or_act(w: DashWorld, http: aiohttp.ClientSession) -> None:
    case_id = await w.suggest(w.bob, ZEBRA)
    page = await log_in(w, w.bob, http)
    assert "You do not moderate any server" in page
    token = csrf_of(page)  # bob's own, valid token: the forgery is the address, not the token
    async with http.get(f"{w.url}/dashboard/{w.guild.id}") as answer:
        text = await answer.text()
    assert answer.status == 403 and ZEBRA["joke"] not in text
    for action in ("approve", "reject"):
        async with http.post(f"{w.url}/dashboard/{w.guild.id}/cases/{case_id}/{action}",
                             data={"csrf": token, "reason": "forged"}) as answer:
            assert answer.status == 403
    async with http.post(f"{w.url}/dashboard/{w.guild.id}/settings",
                         data={"csrf": token, "safe_mode": "", "public_page": "on"}) as answer:
        assert answer.status == 403
    assert await case_status(w, case_id) == "pending"
    settings = await w.core.storage.settings.get(w.guild.id)
    assert settings.safe_mode and not settings.public_page
    # Nothing but carol's own settings (the world's set-up) is in the audit log.
    logged = await w.core.storage.audit.actions(w.guild.id)
    assert all(r.action == "settings" and r.actor_id == w.carol.id for r in logged)


async def test_a_moderator_of_one_server_cannot_reach_another(w: DashWorld, http: aiohttp.ClientSession) -> None:
    other_general = next(iter(w.other.channels.values()))
    theirs = await w.suggest(w.olga, {"joke": "A joke of the other server, waiting there."}, channel=other_general)
    page = await log_in(w, w.carol, http)
    token = csrf_of(page)
    for path in ("", "/audit", "/settings", "/library", "/daily", f"/cases/{theirs}/edit"):
        async with http.get(f"{w.url}/dashboard/{w.other.id}{path}") as answer:
            assert answer.status == 403, path
            assert "waiting there" not in await answer.text()
    async with http.post(f"{w.url}/dashboard/{w.other.id}/cases/{theirs}/approve", data={"csrf": token}) as answer:
        assert answer.status == 403
    # Nor through her own server's address: the case is the other server's.
    async with http.post(f"{w.url}/dashboard/{w.guild.id}/cases/{theirs}/approve", data={"csrf": token}) as answer:
        assert answer.status == 400 and f"There is no case #{theirs} in this server" in await answer.text()
    assert await case_status(w, theirs, w.other.id) == "pending"
    async with http.get(f"{w.url}/dashboard/123456789012345678") as answer:
        assert answer.status == 403  # a server Banter is not in reads the same


async def test_a_change_without_the_right_csrf_token_changes_nothing(w: DashWorld,
                                                                     http: aiohttp.ClientSession) -> None:
    case_id = await w.suggest(w.bob, ZEBRA)
    page = await log_in(w, w.carol, http)
    approve = f"{w.url}/dashboard/{w.guild.id}/cases/{case_id}/approve"
    async with http.post(approve) as answer:
        assert answer.status == 403 and "nothing was changed" in await answer.text()
    async with http.post(approve, data={"csrf": csrf_of(page)[:-2] + "xx"}) as answer:
        assert answer.status == 403
    # Another login's token (dave's, a moderator too) is not carol's.
    async with http_client() as other:
        dave_token = csrf_of(await log_in(w, w.dave, other))
    async with http.post(approve, data={"csrf": dave_token}) as answer:
        assert answer.status == 403
    async with http.post(f"{w.url}/dashboard/{w.guild.id}/settings", data={"public_page": "on"}) as answer:
        assert answer.status == 403
    # The right token, sent by a page of another site, is refused by its Origin.
    async with http.post(approve, data={"csrf": csrf_of(page)}, headers={"Origin": "https://evil.example"}) as answer:
        assert answer.status == 403
    async with http.post(f"{w.url}/logout") as answer:
        assert answer.status == 403
    assert await case_status(w, case_id) == "pending"
    assert not (await w.core.storage.settings.get(w.guild.id)).public_page
    async with http.get(f"{w.url}/dashboard/{w.guild.id}") as answer:
        assert answer.status == 200  # still logged in: the forged logout did nothing


async def test_the_login_state_must_match(w: DashWorld, http: aiohttp.ClientSession) -> None:
    w.emu.oauth.approve_as(w.carol.user)
    async with http.get(f"{w.url}/login", allow_redirects=False) as answer:
        to_discord = yarl.URL(answer.headers["Location"])
    assert to_discord.path == "/oauth2/authorize" and to_discord.query["scope"] == "identify guilds"
    async with http.get(str(to_discord), allow_redirects=False) as answer:
        back = yarl.URL(answer.headers["Location"])
    forged = back.update_query(state="not-the-state-this-browser-was-given")
    async with http.get(str(forged), allow_redirects=False) as answer:
        assert answer.status == 403 and "state does not match" in await answer.text()
        assert SESSION_COOKIE not in answer.cookies
    # A callback in a browser that never started a login (a link someone was sent) is refused too.
    async with http_client() as stranger, stranger.get(str(back), allow_redirects=False) as answer:
        assert answer.status == 403 and SESSION_COOKIE not in answer.cookies
    async with http.get(f"{w.url}/dashboard/{w.guild.id}", allow_redirects=False) as answer:
        assert answer.status == 303 and answer.headers["Location"].startswith("/login?next=")
        assert answer.headers["Cache-Control"] == "no-store"


async def test_a_cancelled_login_logs_no_one_in(w: DashWorld, http: aiohttp.ClientSession) -> None:
    async with http.get(f"{w.url}/login", allow_redirects=False) as answer:
        state = yarl.URL(answer.headers["Location"]).query["state"]
    async with http.get(f"{w.url}/login/callback", params={"error": "access_denied", "state": state},
                        allow_redirects=False) as answer:
        assert answer.status == 403 and "cancelled" in await answer.text()


@pytest.mark.parametrize("next_path", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                       "javascript:alert(1)", "/dashboard\r\nSet-Cookie: x=1"])
async def test_no_open_redirect_after_login(w: DashWorld, http: aiohttp.ClientSession, next_path: str) -> None:
    w.emu.oauth.approve_as(w.carol.user)
    async with http.get(f"{w.url}/login", params={"next": next_path}) as answer:
        assert answer.status == 200 and str(answer.url) == f"{w.url}/dashboard"


async def test_login_goes_back_to_the_page_asked_for_and_logout_ends_it(w: DashWorld,
                                                                        http: aiohttp.ClientSession) -> None:
    async with http.get(f"{w.url}/dashboard/{w.guild.id}/audit", allow_redirects=False) as answer:
        assert answer.status == 303
        login = answer.headers["Location"]
    w.emu.oauth.approve_as(w.carol.user)
    async with http.get(w.url + login) as answer:
        assert str(answer.url) == f"{w.url}/dashboard/{w.guild.id}/audit"
        page = await answer.text()
    cookie = next(c for c in http.cookie_jar if c.key == SESSION_COOKIE)
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
    async with http.post(f"{w.url}/logout", data={"csrf": csrf_of(page)}) as answer:
        assert answer.status == 200 and str(answer.url) == f"{w.url}/"
    async with http.get(f"{w.url}/dashboard/{w.guild.id}", allow_redirects=False) as answer:
        assert answer.status == 303


async def test_a_tampered_session_cookie_is_no_session(w: DashWorld, http: aiohttp.ClientSession) -> None:
    await log_in(w, w.carol, http)
    cookie = next(c for c in http.cookie_jar if c.key == SESSION_COOKIE)
    value = cookie.value
    http.cookie_jar.update_cookies({SESSION_COOKIE: value[:-6] + ("A" if value[-6] != "A" else "B") + value[-5:]},
                                   yarl.URL(w.url))
    async with http.get(f"{w.url}/dashboard/{w.guild.id}", allow_redirects=False) as answer:
        assert answer.status == 303


async def test_settings_from_the_dashboard_are_recorded_and_posted(w: DashWorld, http: aiohttp.ClientSession) -> None:
    await log_in(w, w.carol, http)
    async with http.get(f"{w.url}/dashboard/{w.guild.id}/settings") as answer:
        page = await answer.text()
    assert 'name="safe_mode" value="on" checked' in page and "#mod-log" in page
    modlog = str(w.modlog.id)
    form = {"csrf": csrf_of(page), "safe_mode": "on", "suggestions_enabled": "on", "public_page": "on",
            "report_threshold": "4", "modlog_channel_id": modlog,
            "moderator_role_id": str((await w.core.storage.settings.get(w.guild.id)).moderator_role_id),
            "languages": "en", "blocked_categories": "dad, Puns", "flag_dark": "on"}
    async with http.post(f"{w.url}/dashboard/{w.guild.id}/settings", data=form) as answer:
        assert answer.status == 200 and "Saved." in await answer.text()
    settings = await w.core.storage.settings.get(w.guild.id)
    assert settings.public_page and settings.report_threshold == 4
    assert settings.blocked_categories == ("dad", "puns") and settings.blocked_flags == frozenset({"dark"})
    await w.modlog_post("public page off → on")
    async with http.get(f"{w.url}/dashboard/{w.guild.id}/audit") as answer:
        assert "public page off → on" in await answer.text()
    bad = {**form, "report_threshold": "500", "public_page": ""}
    async with http.post(f"{w.url}/dashboard/{w.guild.id}/settings", data=bad) as answer:
        assert answer.status == 400 and "from 1 to 100" in await answer.text()
    assert (await w.core.storage.settings.get(w.guild.id)).public_page  # the bad form changed nothing
    other_channel = {**form, "modlog_channel_id": str(next(iter(w.other.channels)))}
    async with http.post(f"{w.url}/dashboard/{w.guild.id}/settings", data=other_channel) as answer:
        assert answer.status == 400 and "not one of this server&#39;s" in await answer.text()


async def test_a_role_moderator_cannot_change_the_moderator_role(w: DashWorld, http: aiohttp.ClientSession) -> None:
    await log_in(w, w.dave, http)
    async with http.get(f"{w.url}/dashboard/{w.guild.id}/settings") as answer:
        page = await answer.text()
    form = {"csrf": csrf_of(page), "safe_mode": "on", "suggestions_enabled": "on", "moderator_role_id": "",
            "languages": "en"}
    async with http.post(f"{w.url}/dashboard/{w.guild.id}/settings", data=form) as answer:
        assert answer.status == 400 and "Manage Server" in await answer.text()
    assert (await w.core.storage.settings.get(w.guild.id)).moderator_role_id is not None


async def test_edit_flag_and_reject_a_suggestion_from_the_queue(w: DashWorld, http: aiohttp.ClientSession) -> None:
    case_id = await w.suggest(w.bob, ZEBRA)
    queue = await log_in(w, w.carol, http, f"/dashboard/{w.guild.id}")
    token = csrf_of(queue)
    case = f"{w.url}/dashboard/{w.guild.id}/cases/{case_id}"
    async with http.post(f"{case}/flag", data={"csrf": token, "flag": "dark"}) as answer:
        page = await answer.text()
    assert f"Flags of case #{case_id} changed." in page and 'aria-pressed="true">dark: on' in page
    async with http.get(f"{case}/edit") as answer:
        form = await answer.text()
    base = re.search(r'name="base" value="([^"]+)"', form)
    assert base is not None and ZEBRA["punchline"] in form
    async with http.post(f"{case}/edit", data={"csrf": token, "base": base.group(1), "joke": ZEBRA["joke"],
                                               "punchline": "Stripes win races.", "categories": "animals",
                                               "flags": "dark"}) as answer:
        assert f"Edited case #{case_id}." in await answer.text()
    async with http.post(f"{case}/edit", data={"csrf": token, "base": base.group(1), "joke": "Stale edit"}) as answer:
        assert answer.status == 409 and "changed by someone else" in await answer.text()
    async with http.post(f"{case}/reject", data={"csrf": token, "reason": ""}) as answer:
        assert answer.status == 400
    assert await case_status(w, case_id) == "pending"
    async with http.post(f"{case}/reject", data={"csrf": token, "reason": "Zebras are off topic."}) as answer:
        assert f"Rejected suggestion #{case_id}" in await answer.text()
    dm = await w.emu.wait_for_message(w.emu.dm_channel(w.bob), lambda m: "was not accepted" in m.content)
    assert "Zebras are off topic." in dm.content
    await w.modlog_post(f"turned dark on for suggestion #{case_id}")
    await w.modlog_post(f"rejected suggestion #{case_id}")
    async with http.post(f"{case}/approve", data={"csrf": token}) as answer:
        assert answer.status == 409 and "already rejected" in await answer.text()


async def test_a_report_is_kept_or_removed_from_the_queue(w: DashWorld, http: aiohttp.ClientSession) -> None:
    joke = await (await w.emu.slash(w.bob, w.general, "joke")).original_message()
    report = next(b for b in joke.buttons() if b["custom_id"].startswith("report:"))
    item_id = int(report["custom_id"].split(":")[1])
    ix = await w.emu.click(w.bob, joke, custom_id=report["custom_id"])
    await (await w.emu.submit_modal(w.bob, ix, {"reason": "Not funny at all"})).response()
    queue = await log_in(w, w.carol, http, f"/dashboard/{w.guild.id}")
    assert "Report case #" in queue and "Not funny at all" in queue
    case_id = int(re.findall(r"Report case #(\d+)", queue)[0])
    async with http.post(f"{w.url}/dashboard/{w.guild.id}/cases/{case_id}/remove",
                         data={"csrf": csrf_of(queue), "reason": "Agreed, it goes"}) as answer:
        assert f"Removed joke #{item_id} (report case #{case_id})." in await answer.text()
    assert await w.core.storage.moderation.hidden_reason(w.guild.id, item_id) == "moderator"
    await w.modlog_post(f"hid global joke #{item_id} in this server")
