"""The public site through aiohttp's test client, on the real core and a real SQLite file."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from aiohttp.test_utils import TestClient

from bot.clock import ManualClock
from bot.core import Core
from bot.models import JokeBody, flags_to_mask
from bot.records import SITE_SCOPE
from bot.services.catalog import CatalogService
from tests.support import backend_of, retire
from tests.web.conftest import FakeTime
from tests.web.support import add_discussion, add_joke, hide_for_site, hide_in_server, vote
from web.ratelimit import RateLimiter

JSON = {"Accept": "application/json"}


async def get_json(client: TestClient, url: str, status: int = 200) -> dict[str, Any]:
    response = await client.get(url, headers=JSON)
    assert response.status == status, await response.text()
    assert response.content_type == "application/json"
    data = await response.json()
    assert isinstance(data, dict), f"{url} answered {data!r}, not an object"
    return data


async def get_html(client: TestClient, url: str, status: int = 200) -> str:
    response = await client.get(url)
    text = await response.text()
    assert response.status == status, text[:2000]
    assert response.content_type == "text/html"
    return text


class Outline(HTMLParser):
    """What the accessibility checks look at: landmarks, labels, attributes."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def outline(html: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Outline()
    parser.feed(html)
    return parser.tags


# --- pages ---------------------------------------------------------------------------------------


async def test_home_shows_the_day_the_top_of_the_week_categories_and_moods(client: TestClient, core: Core) -> None:
    html = await get_html(client, "/")
    assert "Joke of the day" in html and "Discussion of the day" in html
    assert "Top jokes this week" in html
    assert "/jokes?category=space" in html and "/jokes?mood=happy" in html
    data = await get_json(client, "/")
    assert data["day"] == "2026-03-14"
    assert data["joke_of_the_day"]["kind"] == "joke" and data["discussion_of_the_day"]["kind"] == "discussion"
    assert any(c["name"] == "space" for c in data["categories"])
    assert any(m["name"] == "happy" for m in data["moods"])


async def test_the_day_is_the_same_all_utc_day_and_kept_in_the_sites_own_scope(
        client: TestClient, core: Core, clock: ManualClock) -> None:
    first = await get_json(client, "/")
    await clock.advance(timedelta(hours=11, minutes=59))  # 23:59 UTC
    assert (await get_json(client, "/"))["joke_of_the_day"]["id"] == first["joke_of_the_day"]["id"]
    assert await core.storage.history.daily_pick(SITE_SCOPE, "joke", "2026-03-14") == first["joke_of_the_day"]["id"]
    assert await core.storage.history.daily_pick(SITE_SCOPE, "discussion", "2026-03-14") == (
        first["discussion_of_the_day"]["id"])
    await clock.advance(timedelta(minutes=2))
    nxt = await get_json(client, "/")
    assert nxt["day"] == "2026-03-15"
    assert nxt["joke_of_the_day"]["id"] != first["joke_of_the_day"]["id"]  # no repeats until the pool is used


async def test_the_joke_of_the_day_is_never_flagged_even_with_safe_mode_off(client: TestClient, core: Core,
                                                                            clock: ManualClock) -> None:
    # The packs flag 4 jokes in 400: 30 days would rarely meet one were the rule broken. With
    # every other joke flagged, 30 unflagged days would be chance at 1 in 10**9.
    await backend_of(core).db.execute("UPDATE items SET flags = flags | ? WHERE kind = 'joke' AND id % 2 = 0",
                                      (flags_to_mask(("dark",)),))
    for _ in range(30):
        data = await get_json(client, "/?safe=off")
        assert data["joke_of_the_day"]["flags"] == []
        await clock.advance(timedelta(days=1))


async def test_browse_by_category_and_mood_is_paginated(client: TestClient, core: Core) -> None:
    first = await get_json(client, "/jokes")
    assert first["page"] == 1 and len(first["items"]) == 20 and first["pages"] == -(-first["total"] // 20)
    second = await get_json(client, "/jokes?page=2")
    assert not {i["id"] for i in first["items"]} & {i["id"] for i in second["items"]}
    beyond = await get_json(client, f"/jokes?page={first['pages'] + 1}")
    assert beyond["items"] == []
    space = await get_json(client, "/jokes?category=space")
    assert space["total"] > 0 and all("space" in i["categories"] for i in space["items"])
    happy = await get_json(client, "/jokes?mood=happy")
    assert happy["total"] > 0 and all("happy" in i["moods"] for i in happy["items"])
    html = await get_html(client, "/jokes?category=pun")
    assert 'rel="next" href="/jokes?category=pun&amp;page=2"' in html
    html2 = await get_html(client, "/jokes?category=pun&page=2")
    assert 'rel="prev" href="/jokes?category=pun"' in html2


async def test_unknown_categories_and_moods_are_clear(client: TestClient) -> None:
    gone = await get_json(client, "/jokes?category=nonsense", status=404)
    assert "nonsense" in gone["error"]["message"]
    mood = await get_json(client, "/jokes?mood=grumpy", status=400)
    assert "happy" in mood["error"]["message"]  # it lists the real moods


async def test_search_has_the_semantics_of_joke_search(client: TestClient, core: Core) -> None:
    await add_joke(core, "web-s1", text="The astronaut brought a sandwich to orbit.")
    await add_joke(core, "web-s2", text="The astronaut forgot her helmet.")
    both = await get_json(client, "/search?q=astronaut")
    ours = {i["id"] for i in both["items"] if i["url"].startswith("/jokes/")}
    assert len(ours) >= 2
    every_word = await get_json(client, "/search?q=astronaut%20sandwich")
    assert [i["text"] for i in every_word["items"]] == ["The astronaut brought a sandwich to orbit."]
    prefix = await get_json(client, "/search?q=astronaut%20sandw")  # the last word as a prefix
    assert prefix["total"] == 1
    html = await get_html(client, "/search?q=astronaut+sandwich")
    assert "1 match for" in html and 'value="astronaut sandwich"' in html
    assert "Words to look for" in await get_html(client, "/search")  # the form alone
    only = await get_json(client, "/search?q=social&type=discussion")
    assert only["total"] >= 1 and {i["kind"] for i in only["items"]} == {"discussion"}
    nothing = await get_json(client, "/search?q=%21%21%21", status=400)
    assert "word" in nothing["error"]["message"]


async def test_random_filters_by_type_category_and_mood(client: TestClient) -> None:
    for _ in range(5):
        two = await get_json(client, "/api/v1/random?type=twopart&amount=10")
        assert two["amount"] == 10 and {i["type"] for i in two["items"]} == {"twopart"}
        assert len({i["id"] for i in two["items"]}) == 10
    single = await get_json(client, "/api/v1/random?type=single&amount=5")
    assert {i["type"] for i in single["items"]} == {"single"}
    space = await get_json(client, "/api/v1/random?category=space&amount=10")
    assert all("space" in i["categories"] for i in space["items"])
    mood = await get_json(client, "/api/v1/random?mood=tired&amount=3")
    assert all("tired" in i["moods"] for i in mood["items"])
    topic = await get_json(client, "/random?type=discussion")
    assert topic["kind"] == "discussion"
    response = await client.get("/random?type=joke&category=space")
    assert response.status == 200 and response.headers["Cache-Control"] == "no-store"
    assert 'href="/random?type=joke&amp;category=space">Another one' in await response.text()


async def test_a_two_part_joke_hides_its_punchline_behind_a_reveal(client: TestClient, core: Core) -> None:
    joke = await add_joke(core, "web-two", setup="Why did the test pass?", punchline="It was well prepared.",
                          categories=("testing", "school"), moods=("happy",), credit="Test Author")
    html = await get_html(client, f"/jokes/{joke.id}")
    assert re.search(r"<details class=\"reveal\">\s*<summary>Show the punchline</summary>\s*"
                     r"<p class=\"punchline\">It was well prepared.</p>", html)
    assert "Credit: Test Author" in html and "/jokes?category=school" in html and "/jokes?mood=happy" in html
    assert '<meta property="og:title" content="Why did the test pass? · Joke #' in html
    assert '<meta property="og:type" content="article">' in html


async def test_a_discussion_page_is_laid_out_as_the_seed_piece(client: TestClient, core: Core) -> None:
    topic = await add_discussion(
        core, "web-topic", title="Social media", question="What does it give us, and what does it cost?",
        benefits=("It keeps friends in touch.",), disadvantages=("It eats attention.",),
        points=(("Focus on the audience", "Speak to people."), ("Less is more", "Let go of control.")),
        credit="Restated from an encyclopedia entry")
    html = await get_html(client, f"/discussions/{topic.id}")
    order = ["<h1>Social media</h1>", "What does it give us, and what does it cost?", ">Benefits</h2>",
             "It keeps friends in touch.", ">Disadvantages</h2>", "It eats attention.", ">Talking points</h2>",
             '<ol class="points">', "<h3>Focus on the audience</h3>", "<h3>Less is more</h3>",
             "Credit: Restated from an encyclopedia entry"]
    main = html[html.index("<main"):]
    positions = [main.index(piece) for piece in order]
    assert positions == sorted(positions)
    data = await get_json(client, f"/discussions/{topic.id}")
    assert data["talking_points"][1] == {"heading": "Less is more", "text": "Let go of control."}
    await get_html(client, f"/jokes/{topic.id}", status=404)  # a discussion is not a joke


async def test_an_item_page_shows_its_votes_and_wilson_rank(client: TestClient, core: Core) -> None:
    best = await add_joke(core, "web-best", text="Best.")
    good = await add_joke(core, "web-good", text="Good.")
    await vote(core, best.id, up=20, down=1)
    await vote(core, good.id, up=3)
    data = await get_json(client, f"/jokes/{good.id}")
    assert data["votes"] == {"up": 3, "down": 0} and data["rank"] == 2
    assert data["score"] == pytest.approx(0.4385, abs=1e-3)
    html = await get_html(client, f"/jokes/{best.id}")
    assert "Ranked #1 of all jokes" in html and "👍</span> 20" in html and "👎</span> 1" in html
    unrated = await get_json(client, "/jokes/1")
    assert unrated["rank"] is None


async def test_top_lists_count_the_votes_of_their_window(client: TestClient, core: Core, clock: ManualClock) -> None:
    old = await add_joke(core, "web-old", text="Loved long ago.")
    new = await add_joke(core, "web-new", text="Liked this week.")
    month = await add_joke(core, "web-month", text="Liked this month.")
    await vote(core, old.id, up=30)
    await clock.advance(timedelta(days=25))
    await vote(core, month.id, up=5)
    await clock.advance(timedelta(days=9))
    await vote(core, new.id, up=2)
    week = await get_json(client, "/top?period=week")
    assert [i["id"] for i in week["items"]] == [new.id] and week["items"][0]["votes"] == {"up": 2, "down": 0}
    this_month = await get_json(client, "/api/v1/top?period=month")
    assert [i["id"] for i in this_month["items"]] == [month.id, new.id]
    ever = await get_json(client, "/api/v1/top?period=all")
    assert [i["id"] for i in ever["items"]] == [old.id, month.id, new.id]
    assert [i["rank"] for i in ever["items"]] == [1, 2, 3]
    assert (await get_json(client, "/top?type=discussion&period=all"))["items"] == []


async def test_top_lists_page_and_leave_disliked_items_out(client: TestClient, core: Core) -> None:
    ids = []
    for n in range(25):
        joke = await add_joke(core, f"web-top-{n}", text=f"Joke number {n}.")
        await vote(core, joke.id, up=30 - n)
        ids.append(joke.id)
    disliked = await add_joke(core, "web-disliked", text="Nobody laughed.")
    await vote(core, disliked.id, up=1, down=2)
    first = await get_json(client, "/top?period=all")
    second = await get_json(client, "/top?period=all&page=2")
    assert first["total"] == 25 and first["pages"] == 2
    assert [i["id"] for i in first["items"] + second["items"]] == ids
    assert [i["rank"] for i in second["items"]] == [21, 22, 23, 24, 25]
    html = await get_html(client, "/top?period=all&page=2")
    assert '<ol class="cards" start="21">' in html and 'rel="prev" href="/top?period=all"' in html


# --- who sees what -------------------------------------------------------------------------------


async def test_flagged_items_need_safe_mode_off_which_the_page_remembers(client: TestClient, core: Core) -> None:
    dark = await add_joke(core, "web-dark", text="A dark one.", flags=("dark",))
    hidden = await get_html(client, f"/jokes/{dark.id}", status=404)
    assert "hidden while safe mode is on" in hidden and 'name="safe" value="off"' in hidden
    response = await client.get(f"/jokes/{dark.id}?safe=off")
    assert response.status == 200 and "A dark one." in await response.text()
    assert response.cookies["banter_safe"].value == "off"
    # The cookie holds: the next page needs no parameter (the test client keeps cookies).
    assert "A dark one." in await get_html(client, f"/jokes/{dark.id}")
    assert "Safe mode is <strong>off</strong>" in await get_html(client, "/")
    await client.get("/?safe=on")
    await get_html(client, f"/jokes/{dark.id}", status=404)


async def test_safe_mode_keeps_flagged_items_out_of_every_list(client: TestClient, core: Core) -> None:
    await add_joke(core, "web-dark-cat", text="Spooky zyzzyva.", flags=("dark",), categories=("onlydark",))
    assert (await get_json(client, "/search?q=zyzzyva"))["total"] == 0
    await get_json(client, "/jokes?category=onlydark", status=404)
    assert not any(c["name"] == "onlydark" for c in (await get_json(client, "/api/v1/categories"))["categories"])
    assert (await get_json(client, "/api/v1/search?q=zyzzyva&safe=off"))["total"] == 1
    assert (await get_json(client, "/api/v1/search?q=zyzzyva&safe=off&blacklistFlags=dark"))["total"] == 0
    seen = set()
    for _ in range(40):
        seen |= {f for i in (await get_json(client, "/api/v1/random?amount=10"))["items"] for f in i["flags"]}
    assert seen == set()


async def test_explicit_items_stay_out_unless_the_operator_allows_them(
        core: Core, make_client: Callable[..., TestClient]) -> None:
    rude = await add_joke(core, "web-explicit", text="Very rude.", flags=("explicit",))
    async with make_client() as client:
        await get_json(client, f"/api/v1/items/{rude.id}?safe=off", status=404)
        html = await get_html(client, f"/jokes/{rude.id}?safe=off", status=404)
        assert "Very rude" not in html and "safe mode" not in html.split("<main")[1].split("</main>")[0]
    allowing = CatalogService(core.storage, core.picks, core.packs.moods, core.clock,
                              allow_flags={"explicit"})
    async with make_client(catalog=allowing) as client:
        assert (await get_json(client, f"/api/v1/items/{rude.id}?safe=off"))["flags"] == ["explicit"]
        await get_json(client, f"/api/v1/items/{rude.id}", status=404)  # safe mode still hides it


async def test_a_servers_own_content_never_appears(client: TestClient, core: Core) -> None:
    mine = await add_joke(core, "g1-1", text="Our server's zebracorn joke.", categories=("insiders",),
                          guild_id=424242)
    topic = await add_discussion(core, "g1-2", title="Zebracorn club", question="Only for us?",
                                 categories=("insiders",), guild_id=424242)
    for url in (f"/jokes/{mine.id}", f"/api/v1/items/{mine.id}", f"/discussions/{topic.id}",
                f"/api/v1/items/{topic.id}", "/jokes?category=insiders", "/discussions?category=insiders"):
        await get_json(client, url, status=404)
    assert (await get_json(client, "/search?q=zebracorn&safe=off"))["total"] == 0
    await vote(core, mine.id, up=50)
    assert mine.id not in {i["id"] for i in (await get_json(client, "/top?period=all"))["items"]}
    everything = str(await get_json(client, "/")) + str(await get_json(client, "/categories"))
    assert "insiders" not in everything and "zebracorn" not in everything.lower()
    await get_json(client, "/api/v1/random?category=insiders", status=404)


async def test_retired_and_hidden_items_are_not_found(client: TestClient, core: Core) -> None:
    gone = await add_joke(core, "web-retired", text="Retired.")
    hidden = await add_joke(core, "web-hidden", text="Hidden for the site.")
    elsewhere = await add_joke(core, "web-hidden-elsewhere", text="Hidden in one server only.")
    await retire(core, gone.id)
    await hide_for_site(core, hidden.id)
    await hide_in_server(core, 555, elsewhere.id)
    for item_id in (gone.id, hidden.id):
        await get_html(client, f"/jokes/{item_id}", status=404)
        await get_json(client, f"/api/v1/items/{item_id}", status=404)
    # A server hiding a global item hides it for that server, as its picks do; the site is a
    # scope of its own.
    assert (await get_json(client, f"/jokes/{elsewhere.id}"))["id"] == elsewhere.id


async def test_hostile_content_is_shown_as_text(client: TestClient, core: Core) -> None:
    joke = await add_joke(core, "web-hostile", setup='<script>alert("x")</script>',
                          punchline='"><img src=x onerror=alert(1)>', credit="javascript:alert(1)",
                          categories=('"><b>cat',))
    topic = await add_discussion(core, "web-hostile-topic", title="</title><script>alert(2)</script>",
                                 question="' onmouseover='alert(3)", points=(("<a href='javascript:x'>h</a>", "t"),))
    for url in (f"/jokes/{joke.id}", f"/discussions/{topic.id}", "/jokes?category=%22%3E%3Cb%3Ecat",
                "/search?q=script", "/search?q=%3Cscript%3Ealert"):
        html = await get_html(client, url)
        assert "<script" not in html and "<img" not in html and "<b>" not in html
        assert not re.search(r"""href=["']?javascript:""", html)
        assert "onerror=alert" not in html or "&gt;" in html
        assert not any(name.startswith("on") for _, attrs in outline(html) for name in attrs)
    html = await get_html(client, f"/jokes/{joke.id}")
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html
    assert "Credit: javascript:alert(1)" in html  # text, never a link
    data = await get_json(client, f"/jokes/{joke.id}")
    assert data["setup"] == '<script>alert("x")</script>'
    response = await client.get("/")
    assert "script-src" not in response.headers["Content-Security-Policy"]
    assert "default-src 'none'" in response.headers["Content-Security-Policy"]


# --- the markup ----------------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/jokes", "/jokes/5", "/search?q=cat", "/top", "/categories", "/random",
                                 "/nowhere"])
async def test_pages_have_a_language_landmarks_labels_and_a_preview(client: TestClient, url: str) -> None:
    response = await client.get(url)
    html = await response.text()
    tags = outline(html)
    names = [t for t, _ in tags]
    assert tags[0] == ("html", {"lang": "en"})
    assert {"header", "nav", "main", "footer"} <= set(names) and names.count("main") == 1 and names.count("h1") == 1
    assert 'name="viewport"' in html and '<meta property="og:title"' in html
    ids = {attrs.get("id") for _, attrs in tags}
    for tag, attrs in tags:
        if tag in ("input", "select") and attrs.get("type") != "hidden":
            assert attrs.get("id") in ids and f'for="{attrs["id"]}"' in html, attrs
        if tag == "img":
            assert attrs.get("alt") is not None
    assert tags[names.index("a")][1]["href"] == "#main"  # the skip link comes first


async def test_the_public_url_makes_previews_absolute(core: Core, make_client: Callable[..., TestClient]) -> None:
    catalog = CatalogService(core.storage, core.picks, core.packs.moods, core.clock,
                             public_url="https://banter.example.org/")
    async with make_client(catalog=catalog) as client:
        html = await get_html(client, "/jokes/5")
        assert '<meta property="og:url" content="https://banter.example.org/jokes/5">' in html
        assert (await get_json(client, "/api/v1/items/5"))["url"] == "https://banter.example.org/jokes/5"


# --- the API around the pages --------------------------------------------------------------------


async def test_the_same_urls_answer_json_when_asked(client: TestClient) -> None:
    page = await get_json(client, "/jokes/5")
    api = await get_json(client, "/api/v1/items/5")
    assert page == api
    html = await client.get("/jokes/5", headers={"Accept": "text/html,application/json;q=0.9"})
    assert html.content_type == "text/html"


@pytest.mark.parametrize(("url", "words"), [
    ("/jokes?page=0", "page must be from 1"),
    ("/jokes?page=abc", "page must be a whole number"),
    ("/top?period=year", "period must be one of week, month, all"),
    ("/top?type=poem", "type must be one of joke, discussion"),
    ("/random?type=limerick", "type must be one of joke, discussion, single, twopart"),
    ("/api/v1/random?amount=11", "amount must be from 1 to 10"),
    ("/api/v1/random?amount=-1", "amount must be a whole number"),
    ("/api/v1/random?type=discussion&blacklistFlags=rude", "blacklistFlags may list"),
    ("/api/v1/random?colour=red", "unknown parameter 'colour'"),
    ("/api/v1/search", "q is required"),
    ("/api/v1/search?q=" + "a" * 201, "at most 200"),
    ("/?safe=maybe", "safe must be on or off"),
    ("/jokes?category=space&mood=happy", "not both"),
])
async def test_bad_parameters_get_a_clear_400_and_change_nothing(client: TestClient, url: str, words: str) -> None:
    response = await client.get(url, headers=JSON)
    assert response.status == 400
    assert words in (await response.json())["error"]["message"]
    assert "banter_safe" not in response.cookies
    page = await client.get(url)
    assert page.status == 400 and words in (await page.text()).replace("&#39;", "'")


async def test_unknown_addresses_and_methods(client: TestClient) -> None:
    assert (await get_json(client, "/api/v1/nothing", status=404))["error"]["status"] == 404
    await get_html(client, "/jokes/99999999", status=404)
    await get_html(client, "/jokes/123456789012345678901234", status=404)
    response = await client.post("/api/v1/random")
    assert response.status == 405 and "GET" in response.headers["Allow"]


async def test_cors_lets_any_origin_read_the_api(client: TestClient) -> None:
    response = await client.get("/api/v1/random", headers={"Origin": "https://elsewhere.example"})
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    error = await client.get("/api/v1/random?amount=0")
    assert error.status == 400 and error.headers["Access-Control-Allow-Origin"] == "*"
    preflight = await client.options("/api/v1/search", headers={
        "Origin": "https://elsewhere.example", "Access-Control-Request-Method": "GET"})
    assert preflight.status == 204
    assert "GET" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    page = await client.get("/")
    assert "Access-Control-Allow-Origin" not in page.headers


async def test_rate_limits_answer_429_with_retry_after(core: Core, make_client: Callable[..., TestClient],
                                                       fake_time: FakeTime) -> None:
    limiter = RateLimiter(rate=0.5, burst=3, clock=fake_time)
    async with make_client(limiter=limiter) as client:
        for _ in range(3):
            assert (await client.get("/api/v1/items/5")).status == 200
        limited = await client.get("/api/v1/items/5")
        assert limited.status == 429 and limited.headers["Retry-After"] == "2"
        assert "Too many requests" in (await limited.json())["error"]["message"]
        page = await client.get("/")
        assert page.status == 429 and page.content_type == "text/html"
        assert (await client.get("/static/site.css")).status == 200  # the stylesheet is never limited
        fake_time.now += 2
        assert (await client.get("/api/v1/items/5")).status == 200
        assert (await client.get("/api/v1/items/5")).status == 429


def test_the_rate_limiter_forgets_clients_whose_buckets_filled_up() -> None:
    now = [0.0]
    limiter = RateLimiter(rate=1, burst=2, clock=lambda: now[0], max_clients=3)
    for client in "abc":
        assert limiter.take(client) == 0
    now[0] = 5.0
    assert limiter.take("d") == 0
    assert len(limiter._buckets) == 1
    assert limiter.take("d") == 0 and limiter.take("d") == pytest.approx(1.0)


async def test_the_stylesheet_is_versioned_and_cached(client: TestClient) -> None:
    html = await get_html(client, "/")
    href = re.search(r'href="(/static/site\.css\?v=[0-9a-f]+)"', html)
    assert href is not None
    response = await client.get(href.group(1))
    assert response.status == 200 and "immutable" in response.headers["Cache-Control"]
    assert ":focus-visible" in await response.text()


# --- links from Discord --------------------------------------------------------------------------


async def test_item_embeds_link_to_their_page_only_when_the_site_is_public(core: Core) -> None:
    from cogs.ui import item_embed

    public = CatalogService(core.storage, core.picks, core.packs.moods, core.clock,
                            public_url="https://banter.example.org")
    joke = await core.storage.items.get(5)
    assert joke is not None
    assert core.catalog.page_url(joke) is None  # no web.public_url configured
    assert public.page_url(joke) == "https://banter.example.org/jokes/5"
    assert item_embed(joke, public.page_url(joke)).url == "https://banter.example.org/jokes/5"
    assert item_embed(joke).url is None
    ours = await add_joke(core, "g9-1", text="Ours.", guild_id=99)
    rude = await add_joke(core, "web-rude-link", text="Rude.", flags=("nsfw",))
    assert public.page_url(ours) is None and public.page_url(rude) is None
    assert isinstance(joke.body, JokeBody)


# --- the layers ----------------------------------------------------------------------------------


def test_the_site_imports_no_discord_and_runs_no_sql() -> None:
    from tests.test_layers import ROOT, imports_discord, runs_sql

    files = sorted((ROOT / "web").rglob("*.py"))
    assert files
    assert [str(p) for p in files if imports_discord(p)] == []
    assert [f"{p}:{line}" for p in files for line in runs_sql(p)] == []


# --- answers kept for a moment -------------------------------------------------------------------


async def test_answers_are_kept_until_this_process_writes_or_a_second_passes(
        client: TestClient, core: Core, clock: ManualClock) -> None:
    from tests.support import write_as_another_process

    assert (await get_json(client, "/api/v1/items/5"))["votes"]["up"] == 0
    # Another process (the bot running apart from `python -m bot web`) changes the row.
    await write_as_another_process(core, "UPDATE items SET up = 7 WHERE id = 5")
    if core.config.database_url is None:
        # On SQLite this process has not written, so the kept answer stands for up to a second;
        # PostgreSQL keeps nothing between requests, and shows the change at once.
        assert (await get_json(client, "/api/v1/items/5"))["votes"]["up"] == 0
        await clock.advance(timedelta(seconds=1))
    assert (await get_json(client, "/api/v1/items/5"))["votes"]["up"] == 7
    # A write here (a vote in Discord) is seen at once.
    await vote(core, 5, up=1)
    assert (await get_json(client, "/api/v1/items/5"))["votes"]["up"] == 8
    # Random answers are never kept.
    seen = {(await get_json(client, "/api/v1/random"))["items"][0]["id"] for _ in range(10)}
    assert len(seen) > 1
