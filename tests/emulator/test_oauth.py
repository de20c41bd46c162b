"""The emulator's OAuth2 for members: authorize (page and test hook), the token exchange, and the
Bearer-token reads of /users/@me and /users/@me/guilds (checked against Discord's OpenAPI spec by
the ``sb`` fixture)."""

from __future__ import annotations

import base64
import re
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
import yarl

from discord_emulator import Permissions
from discord_emulator.driver import Sandbox
from discord_emulator.oauth import CODE_LIFETIME

SITE = "http://127.0.0.1:9/login/callback"  # never reached: the tests read the redirect, not follow it


def authorize_url(sb: Sandbox, **overrides: str) -> str:
    params = {"client_id": str(sb.emu.application_id), "redirect_uri": SITE, "response_type": "code",
              "scope": "identify guilds", "state": "s-123"}
    params.update(overrides)
    return str(yarl.URL(sb.emu.url + "/oauth2/authorize").with_query(params))


async def code_for(sb: Sandbox, http: aiohttp.ClientSession, **overrides: str) -> str:
    async with http.get(authorize_url(sb, **overrides), allow_redirects=False) as answer:
        assert answer.status == 302, await answer.text()
        back = yarl.URL(answer.headers["Location"])
    assert str(back.with_query(None)) == SITE
    assert back.query["state"] == overrides.get("state", "s-123")
    return back.query["code"]


async def exchange(sb: Sandbox, http: aiohttp.ClientSession, code: str, *, secret: str | None = None,
                   redirect_uri: str = SITE) -> tuple[int, dict[str, Any]]:
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": redirect_uri,
            "client_id": str(sb.emu.application_id), "client_secret": secret or sb.emu.oauth.client_secret}
    async with http.post(sb.emu.api_base + "/oauth2/token", data=form) as answer:
        return answer.status, await answer.json()


@pytest.fixture
async def http(sb: Sandbox) -> AsyncIterator[aiohttp.ClientSession]:
    sb.emu.oauth.allow_redirect(SITE)
    async with aiohttp.ClientSession() as session:
        yield session


async def test_login_through_the_hook_reads_the_member_and_their_guilds(sb: Sandbox,
                                                                        http: aiohttp.ClientSession) -> None:
    mods = sb.emu.add_role(sb.guild, "Mods", permissions=int(Permissions.MANAGE_GUILD))
    sb.emu.set_roles(sb.alice, [mods])
    other = sb.emu.add_guild("Other server")
    sb.emu.oauth.approve_as(sb.alice.user)
    status, token = await exchange(sb, http, await code_for(sb, http))
    assert status == 200 and token["token_type"] == "Bearer" and token["scope"] == "guilds identify"
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    async with http.get(sb.emu.api_base + "/users/@me", headers=bearer) as answer:
        me = await answer.json()
    assert me["id"] == str(sb.alice.id) and me["username"] == "alice"
    async with http.get(sb.emu.api_base + "/users/@me/guilds", headers=bearer) as answer:
        guilds = await answer.json()
    assert [g["name"] for g in guilds] == ["Test server"]  # not "Other server": alice is not in it
    assert other.id not in [int(g["id"]) for g in guilds]
    assert int(guilds[0]["permissions"]) & Permissions.MANAGE_GUILD and guilds[0]["owner"] is False


async def test_the_page_lets_one_choose_who_approves(sb: Sandbox, http: aiohttp.ClientSession) -> None:
    async with http.get(authorize_url(sb)) as answer:
        page = await answer.text()
    assert answer.status == 200 and "Authorize" in page and f'value="{sb.bob.id}"' in page
    hidden = dict(re.findall(r'<input type="hidden" name="([a-z_]+)" value="([^"]*)">', page))
    form = {**hidden, "user_id": str(sb.bob.id), "decision": "authorize"}
    async with http.post(sb.emu.url + "/oauth2/authorize", data=form, allow_redirects=False) as answer:
        back = yarl.URL(answer.headers["Location"])
    status, token = await exchange(sb, http, back.query["code"])
    assert status == 200
    async with http.get(sb.emu.api_base + "/users/@me",
                        headers={"Authorization": f"Bearer {token['access_token']}"}) as answer:
        assert (await answer.json())["username"] == "bob"
    async with http.post(sb.emu.url + "/oauth2/authorize", data={**form, "decision": "cancel"},
                         allow_redirects=False) as answer:
        denied = yarl.URL(answer.headers["Location"])
    assert denied.query["error"] == "access_denied" and denied.query["state"] == "s-123"
    assert "code" not in denied.query


@pytest.mark.parametrize(("param", "value", "said"), [
    ("client_id", "42", "Unknown client_id"),
    ("redirect_uri", "https://evil.example/steal", "redirect_uri"),
    ("response_type", "token", "response_type"),
    ("scope", "identify bot", "scope"),
])
async def test_a_bad_authorize_request_is_refused_with_no_code(sb: Sandbox, http: aiohttp.ClientSession,
                                                               param: str, value: str, said: str) -> None:
    sb.emu.oauth.approve_as(sb.alice.user)
    async with http.get(authorize_url(sb, **{param: value}), allow_redirects=False) as answer:
        assert answer.status == 400 and said in await answer.text()
    assert sb.emu.oauth.codes == {}


async def test_a_code_works_once_with_the_secret_and_its_redirect(sb: Sandbox, http: aiohttp.ClientSession) -> None:
    sb.emu.oauth.approve_as(sb.alice.user)
    code = await code_for(sb, http)
    status, body = await exchange(sb, http, code, secret="not-the-secret")
    assert (status, body["error"]) == (401, "invalid_client")
    status, body = await exchange(sb, http, code, redirect_uri="http://127.0.0.1:9/elsewhere")
    assert (status, body["error"]) == (400, "invalid_grant")
    # A refused redirect spent the code, as Discord's does: it is never good twice.
    status, body = await exchange(sb, http, code)
    assert (status, body["error"]) == (400, "invalid_grant")
    fresh = await code_for(sb, http)
    basic = base64.b64encode(f"{sb.emu.application_id}:{sb.emu.oauth.client_secret}".encode()).decode()
    form = {"grant_type": "authorization_code", "code": fresh, "redirect_uri": SITE}
    async with http.post(sb.emu.api_base + "/oauth2/token", data=form,
                         headers={"Authorization": f"Basic {basic}"}) as answer:
        assert answer.status == 200 and (await answer.json())["access_token"]
    status, body = await exchange(sb, http, fresh)
    assert (status, body["error"]) == (400, "invalid_grant")


async def test_codes_expire_and_tokens_need_their_scope(sb: Sandbox, http: aiohttp.ClientSession) -> None:
    sb.emu.oauth.approve_as(sb.alice.user)
    late = await code_for(sb, http)
    sb.emu.advance(CODE_LIFETIME + 1)
    assert (await exchange(sb, http, late))[0] == 400
    status, token = await exchange(sb, http, await code_for(sb, http, scope="identify"))
    assert status == 200
    bearer = {"Authorization": f"Bearer {token['access_token']}"}
    async with http.get(sb.emu.api_base + "/users/@me/guilds", headers=bearer) as answer:
        assert answer.status == 403
    async with http.get(sb.emu.api_base + "/users/@me", headers={"Authorization": "Bearer made-up"}) as answer:
        assert answer.status == 401
    # A member's token is not a bot token: it reaches nothing else.
    async with http.get(f"{sb.emu.api_base}/guilds/{sb.guild.id}", headers=bearer) as answer:
        assert answer.status == 401
