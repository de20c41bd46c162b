"""Daily posts end to end: the real bot, started as ``python -m bot run`` starts it, against the
local Discord emulator, on a real SQLite file, with a clock that moves only when a test moves it.

"Waiting" below means waiting for the bot to finish work it already has (database I/O, HTTP to the
emulator), never for time to pass. What is checked is what a server sees: the posts and threads in
the channel, what the bot sent to Discord, and what /daily status tells a moderator.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.config import Config
from discord_emulator import Channel, DiscordEmulator, InvocationError, RequestRecord, Role
from discord_emulator import Permissions as P
from tests.e2e.harness import START, Answer, Banter, Person, Server, Shown, banter, fresh_config
from tests.e2e.seen import timestamp

# START is Saturday 14 March 2026, 12:00 UTC; London is on GMT (UTC+0) that day.
TODAY = START.date()
DUE = datetime(2026, 3, 14, 12, 30, tzinfo=UTC)
HEADLINE = "**Discussion of the day** · Saturday 14 March"
SEND = r"^/channels/{}/messages$"


@dataclass
class Daily:
    """A server with a #daily channel, a moderator and a member, and a second server."""

    b: Banter
    alice: Person  # no rights
    carol: Person  # Manage Server
    other: Server
    olga: Person  # Manage Server in the other server

    @property
    def emu(self) -> DiscordEmulator:
        return self.b.emu

    @property
    def daily(self) -> Channel:
        return self.b.channel("daily")

    @property
    def other_daily(self) -> Channel:
        return self.other.general

    async def set_daily(self, who: Person | None = None, /, **options: Any) -> Answer:
        who = who or self.carol
        options.setdefault("channel", self.daily if who is not self.olga else self.other_daily)
        options.setdefault("time", "12:30")
        options.setdefault("timezone", "Europe/London")
        return await who.run("daily set", **options)

    async def status(self, who: Person | None = None) -> Answer:
        """/daily status, as a moderator reads it."""
        status = await (who or self.carol).run("daily status")
        assert status.ephemeral
        return status

    async def problems(self, who: Person | None = None) -> str:
        """What /daily status lists under "Recent problems" (nothing: "")."""
        return (await self.status(who)).embed.fields.get("Recent problems", "")

    async def last_post(self, who: Person | None = None) -> str:
        """What /daily status says of the last post."""
        return (await self.status(who)).embed.fields["Last post"]

    async def add_moderator(self) -> tuple[Person, Role]:
        """dave, whose role is the bot's moderator role (and who has no Discord permissions)."""
        mods = await self.b.role("Banter mods")
        dave = await self.b.join("dave", roles=[mods])
        self.b.open_to_everyone("daily")
        assert (await self.carol.run("settings moderator-role", role=mods)).content == "Saved."
        return dave, mods

    def posts(self, channel: Channel | None = None) -> list[Shown]:
        """The daily posts in a channel (not command answers)."""
        return [m for m in self.b.messages(channel or self.daily)
                if "of the day**" in m.content and m.message.interaction_metadata is None]

    def sends(self, channel: Channel | None = None) -> list[RequestRecord]:
        """What the bot asked Discord to post in the channel, answered or not."""
        return self.emu.requests_to("POST", SEND.format((channel or self.daily).id))


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[Daily]:
    async for world in daily_world(tmp_path, await fresh_config(tmp_path)):
        yield world


async def daily_world(tmp_path: Path, config: Config) -> AsyncIterator[Daily]:
    async with banter(tmp_path, config=config, channels=("general", "daily"), members=("alice",)) as b:
        carol = await b.moderator("carol")
        other = await b.add_server("Other server", channels=("daily",))
        yield Daily(b, b.alice, carol, other, await b.moderator("olga", server=other))
        # No daily post could ping anyone it was not asked to.
        for request in b.emu.requests_to("POST", r"^/channels/\d+/messages$"):
            mentions = request.json["allowed_mentions"]
            assert mentions["parse"] == [] and set(mentions) <= {"parse", "roles", "replied_user"}


def link(w: Daily, post: Shown, channel: Channel | None = None) -> str:
    """The jump link to a post, as /daily shows it."""
    guild = w.other.id if channel is w.other_daily else w.b.home.id
    return f"https://discord.com/channels/{guild}/{(channel or w.daily).id}/{post.id}"


# --- the post at the set time ---------------------------------------------------------------------

async def test_set_answers_with_the_next_post_as_a_discord_timestamp(w: Daily) -> None:
    answer = await w.set_daily()
    assert answer.ephemeral
    assert w.daily.mention in answer.content and "**12:30** (Europe/London)" in answer.content
    assert timestamp(DUE) in answer.content and timestamp(DUE, "R") in answer.content
    assert "with a thread" in answer.content
    status = await w.status()
    assert f"in {w.daily.mention} at **12:30** (Europe/London) every day, on" in status.embed.description


async def test_a_post_at_the_set_time_exactly_once(w: Daily) -> None:
    await w.set_daily()
    await w.b.at(DUE - timedelta(seconds=1))
    assert w.posts() == []
    await w.b.at(DUE)
    [post] = w.posts()
    assert post.content == HEADLINE
    assert post.author_id == w.emu.bot_user.id
    # The buttons every item carries: the votes first.
    assert post.custom_ids[:2] == [f"vote:{post.item_id}:up", f"vote:{post.item_id}:down"]
    # The topic /discussion today shows, with a thread named after it.
    today = await w.alice.run("discussion today")
    assert today.message.item_id == post.item_id
    assert post.thread is not None and "💬 " + post.thread.name == post.embed.title
    # Sent with a nonce Discord enforces; no mentions at all without a role.
    [send] = w.sends()
    assert send.json["enforce_nonce"] is True and send.json["nonce"]
    assert send.json["allowed_mentions"] == {"parse": []}
    # /daily status links to it, with nothing gone wrong.
    assert link(w, post) in await w.last_post()
    assert await w.problems() == ""
    # Later that day, and the next morning, nothing more.
    await w.b.at(DUE + timedelta(minutes=1))
    await w.b.at(DUE + timedelta(hours=18))
    assert len(w.posts()) == 1
    # The next day brings the next topic, a different one.
    await w.b.at(DUE + timedelta(days=1))
    first, second = w.posts()
    assert second.content == "**Discussion of the day** · Sunday 15 March"
    assert first.item_id != second.item_id


async def test_a_channel_in_a_category_with_messages_gets_its_post_after_a_restart(w: Daily) -> None:
    """What the bot leaves out of each server's channels as it connects (categories, and each
    channel's topic, category and last message: ``lean_guild`` in bot/bot.py) takes nothing
    from a channel it posts in."""
    category = w.emu.add_category(w.b.home.guild, "Community")
    corner = w.emu.add_text_channel(w.b.home.guild, "corner", topic="Talk about anything", category=category)
    await w.alice.say(corner, "first!")
    await w.b.restart()  # its GUILD_CREATE now carries the channel, its category and its last message
    assert corner.mention in (await w.set_daily(channel=corner)).content
    await w.b.at(DUE)
    [post] = w.posts(corner)
    assert post.content == HEADLINE
    assert [t.name for t in w.b.threads() if t.parent_id == corner.id]


async def test_votes_work_on_the_daily_post(w: Daily) -> None:
    await w.set_daily(thread=False)
    await w.b.at(DUE)
    [post] = w.posts()
    assert post.thread is None
    click = await w.alice.click(post, "👍")
    assert click.updated
    assert post.votes == (1, 0)


async def test_role_ping_mentions_only_that_role(w: Daily) -> None:
    role = await w.b.role("Daily readers", mentionable=True)
    answer = await w.set_daily(role=role, kind="both")
    assert f"pinging {role.mention}" in answer.content
    await w.b.at(DUE)
    discussion, joke = w.posts()
    assert discussion.content == f"{role.mention} {HEADLINE}"
    assert joke.content == "**Joke of the day** · Saturday 14 March"
    first, second = w.sends()
    assert first.json["allowed_mentions"] == {"parse": [], "roles": [role.id]}
    assert second.json["allowed_mentions"] == {"parse": []}
    assert discussion.thread is not None and joke.thread is None


async def test_two_servers_at_the_same_minute(w: Daily) -> None:
    await w.set_daily()
    # 08:30 in New York (EDT since 8 March) is 12:30 UTC too.
    answer = await w.set_daily(w.olga, time="08:30", timezone="America/New_York")
    assert timestamp(DUE) in answer.content
    await w.b.at(DUE)
    assert len(w.posts()) == 1 and len(w.posts(w.other_daily)) == 1
    theirs = await w.status(w.olga)
    assert "at **08:30** (America/New_York)" in theirs.embed.description
    assert link(w, w.posts(w.other_daily)[0], w.other_daily) in theirs.embed.fields["Last post"]


# --- restarts ---------------------------------------------------------------------------------------

async def test_restart_just_before_the_post_time(w: Daily) -> None:
    await w.set_daily()
    await w.b.at(DUE - timedelta(seconds=30))
    await w.b.restart(at=DUE - timedelta(seconds=10))
    assert w.posts() == []
    await w.b.at(DUE)
    assert len(w.posts()) == 1
    assert len(w.sends()) == 1


async def test_restart_just_after_the_post_time(w: Daily) -> None:
    await w.set_daily()
    await w.b.at(DUE)
    assert len(w.posts()) == 1
    await w.b.restart(at=DUE + timedelta(seconds=30))
    await w.b.at(DUE + timedelta(minutes=5))
    assert len(w.posts()) == 1
    assert len(w.sends()) == 1


async def test_down_at_the_post_time_for_a_moment(w: Daily) -> None:
    await w.set_daily()
    await w.b.at(DUE - timedelta(seconds=5))
    await w.b.restart(at=DUE + timedelta(seconds=20))
    assert len(w.posts()) == 1
    await w.b.restart(at=DUE + timedelta(minutes=2))
    assert len(w.posts()) == 1


async def hang_at_due(w: Daily, write: str) -> None:
    """Move the clock to the post time and let the bot "crash" as it reaches the ledger's ``write``
    (``record_sent``, ``record_thread``): the write never happens; the test then stops the bot."""
    reached = asyncio.Event()

    async def hang(*args: object, **kwargs: object) -> None:
        reached.set()
        await asyncio.Event().wait()  # the process dies here

    setattr(w.b.core.storage.daily, write, hang)
    await w.b.clock.set(DUE)
    await asyncio.wait_for(reached.wait(), 10)


async def test_crash_between_send_and_record_still_one_message(w: Daily) -> None:
    await w.set_daily()
    await hang_at_due(w, "record_sent")
    assert len(w.posts()) == 1
    await w.b.restart(at=DUE + timedelta(seconds=40))
    [post] = w.posts()
    # Found in the channel's history: nothing was sent again, and it counts as today's post.
    assert len(w.sends()) == 1
    assert link(w, post) in await w.last_post()
    assert await w.problems() == ""


async def test_crash_between_send_and_record_without_history_the_nonce_holds(w: Daily) -> None:
    # /daily set asks for Read Message History; if it is taken away later, the bot cannot look and
    # the resend carries the same nonce.
    await w.set_daily()
    w.emu.set_overwrite(w.daily, w.emu.bot_user, deny=int(P.READ_MESSAGE_HISTORY))
    await hang_at_due(w, "record_sent")
    await w.b.restart(at=DUE + timedelta(seconds=40))
    [post] = w.posts()
    first, second = w.sends()
    assert first.json["nonce"] == second.json["nonce"] and second.json["enforce_nonce"] is True
    # Discord answered the second send with the message of the first.
    assert link(w, post) in await w.last_post()


async def test_crash_then_back_after_the_nonce_expired_finds_the_message(w: Daily) -> None:
    await w.set_daily()
    await hang_at_due(w, "record_sent")
    await w.b.stop()
    w.emu.advance(3600)  # Discord has long forgotten the nonce
    await w.b.at(DUE + timedelta(hours=1))
    await w.b.start()
    assert len(w.posts()) == 1 and len(w.sends()) == 1
    assert link(w, w.posts()[0]) in await w.last_post()


async def test_crash_before_the_thread_was_recorded_opens_no_second_thread(w: Daily) -> None:
    await w.set_daily()
    await hang_at_due(w, "record_thread")
    await w.b.restart(at=DUE + timedelta(minutes=1))
    [post] = w.posts()
    assert w.b.threads() == [post.thread]
    # The second try was told the thread exists already (as Discord does), and took it.
    tries = w.emu.requests_to("POST", rf"^/channels/{w.daily.id}/messages/{post.id}/threads$")
    assert [r.status for r in tries][1:] == [400]
    assert await w.problems() == ""


# --- downtime ---------------------------------------------------------------------------------------

async def test_downtime_inside_the_catch_up_window_posts_once_on_start(w: Daily) -> None:
    await w.set_daily()
    await w.b.restart(at=DUE + timedelta(hours=5, minutes=50))  # catch_up_minutes is 360
    [post] = w.posts()
    assert post.content == HEADLINE
    await w.b.restart(at=DUE + timedelta(hours=6))
    assert len(w.posts()) == 1


async def test_downtime_outside_the_catch_up_window_is_skipped_and_shown(w: Daily) -> None:
    await w.set_daily()
    await w.b.restart(at=DUE + timedelta(hours=6, minutes=10))
    assert w.posts() == []
    assert "2026-03-14 discussion: Missed: the bot was offline" in await w.problems()
    # Tomorrow is posted as usual.
    await w.b.at(DUE + timedelta(days=1))
    assert [p.content for p in w.posts()] == ["**Discussion of the day** · Sunday 15 March"]


async def test_days_of_downtime_post_only_today(w: Daily) -> None:
    await w.set_daily()
    await w.b.restart(at=DUE + timedelta(days=3, minutes=10))
    [post] = w.posts()
    assert post.content == "**Discussion of the day** · Tuesday 17 March"
    problems = await w.problems()
    for day in ("2026-03-14", "2026-03-15", "2026-03-16"):
        assert f"{day} discussion: Skipped: the bot was offline and a later day's post replaced it." in problems
    assert "2026-03-17" not in problems
    assert link(w, post) in await w.last_post()


async def test_catch_up_zero_posts_on_time_but_never_late(tmp_path: Path) -> None:
    config = await fresh_config(tmp_path, "daily:\n  catch_up_minutes: 0\n")
    async for w in daily_world(tmp_path, config):
        await w.set_daily()
        await w.b.at(DUE)
        assert len(w.posts()) == 1
        await w.b.restart(at=DUE + timedelta(days=1, minutes=10))
        assert len(w.posts()) == 1
        assert "2026-03-15 discussion: Missed: the bot was offline" in await w.problems()


# --- Discord failing ---------------------------------------------------------------------------------

async def test_a_429_discord_py_retries_itself(w: Daily) -> None:
    await w.set_daily()
    w.emu.inject_fault("POST", SEND.format(w.daily.id), 429, times=1, retry_after=0.01)
    await w.b.at(DUE)
    assert len(w.posts()) == 1
    assert [r.status for r in w.sends()] == [429, 200]


async def test_429s_beyond_discord_py_are_retried_with_backoff(w: Daily) -> None:
    await w.set_daily()
    # discord.py tries five times itself; after that the bot backs off on its own clock.
    w.emu.inject_fault("POST", SEND.format(w.daily.id), 429, times=5, retry_after=0.01)
    await w.b.at(DUE)
    assert w.posts() == []
    problems = await w.problems()
    assert "still trying" in problems and "rate-limited" in problems
    await w.b.at(DUE + timedelta(seconds=14))
    assert w.posts() == []
    await w.b.at(DUE + timedelta(seconds=15))
    assert len(w.posts()) == 1
    assert [r.status for r in w.sends()] == [429] * 5 + [200]


async def test_5xx_is_retried_with_backoff_and_posts_once(w: Daily) -> None:
    await w.set_daily()
    # 503 is not retried by discord.py (500/502/504 are, after real sleeps).
    w.emu.inject_fault("POST", SEND.format(w.daily.id), 503, times=2)
    await w.b.at(DUE)
    await w.b.at(DUE + timedelta(seconds=15))
    assert w.posts() == []
    assert "still trying" in await w.problems()
    await w.b.at(DUE + timedelta(seconds=45))
    [post] = w.posts()
    assert [r.status for r in w.sends()] == [503, 503, 200]
    assert len({r.json["nonce"] for r in w.sends()}) == 1
    assert link(w, post) in await w.last_post()
    assert await w.problems() == ""


async def test_channel_deleted_is_recorded_not_retried_and_others_still_post(w: Daily) -> None:
    await w.set_daily()
    await w.set_daily(w.olga)
    w.emu.delete_channel(w.daily)
    await w.b.at(DUE)
    assert len(w.posts(w.other_daily)) == 1
    assert "no longer exists" in await w.problems()
    await w.b.at(DUE + timedelta(hours=2))
    assert len(w.sends()) == 1


async def test_permission_removed_after_set_is_a_recorded_failure(w: Daily) -> None:
    await w.set_daily()
    w.emu.set_overwrite(w.daily, w.emu.bot_user, deny=int(P.SEND_MESSAGES))
    await w.b.at(DUE)
    assert w.posts() == []
    assert "not allowed to post" in await w.problems()
    # A moderator fixes it and posts today's by hand.
    w.emu.clear_overwrite(w.daily, w.emu.bot_user)
    answer = await w.carol.run("daily post-now")
    assert answer.content.startswith("✅ Discussion of the day posted:")
    assert len(w.posts()) == 1


# --- the commands -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("options", "error"), [
    ({"time": "25:00"}, "is not a time of day"),
    ({"time": "noon"}, "is not a time"),
    ({"timezone": "Mars/Olympus"}, "is not a time zone I know"),
    ({"timezone": "Europe/Londn"}, "is not a time zone I know"),
])
async def test_set_refuses_bad_input_and_saves_nothing(w: Daily, options: dict[str, str], error: str) -> None:
    answer = await w.set_daily(**options)
    assert answer.ephemeral and error in answer.content
    status = await w.status()
    assert "Not set up" in status.embed.description


async def test_set_refuses_a_channel_the_bot_cannot_post_in(w: Daily) -> None:
    w.emu.set_overwrite(w.daily, w.emu.bot_user, deny=int(P.SEND_MESSAGES))
    answer = await w.set_daily()
    assert answer.ephemeral
    assert answer.content == (f"I cannot post in {w.daily.mention}: I need the Send Messages permission there. "
                              "Nothing was saved.")
    w.emu.set_overwrite(w.daily, w.emu.bot_user, deny=int(P.CREATE_PUBLIC_THREADS))
    answer = await w.set_daily()
    assert "Create Public Threads" in answer.content and "thread: False" in answer.content
    assert "Not set up" in (await w.status()).embed.description
    ok = await w.set_daily(thread=False)
    assert ok.content.startswith("The discussion of the day will be posted")


async def test_set_needs_read_message_history(w: Daily) -> None:
    # Without it the bot could not find a post it made just before a crash, and might post twice.
    w.emu.set_overwrite(w.daily, w.emu.bot_user, deny=int(P.READ_MESSAGE_HISTORY))
    answer = await w.set_daily()
    assert answer.ephemeral
    assert answer.content == (f"I cannot post in {w.daily.mention}: I need the Read Message History permission "
                              "there. Nothing was saved.")
    assert "Not set up" in (await w.status()).embed.description


async def test_set_refuses_a_channel_the_member_cannot_post_in(w: Daily) -> None:
    # The moderator role opens /daily to dave, who may not post in #daily himself.
    dave, mods = await w.add_moderator()
    w.emu.set_overwrite(w.daily, mods, deny=int(P.SEND_MESSAGES))
    answer = await w.set_daily(dave)
    assert answer.ephemeral
    assert answer.content.startswith(f"You cannot post in {w.daily.mention} yourself")
    assert "Nothing was saved" in answer.content
    w.emu.set_overwrite(w.daily, mods, deny=int(P.VIEW_CHANNEL))
    answer = await w.set_daily(dave)
    assert answer.content.startswith(f"You cannot post in {w.daily.mention} yourself")
    assert "Not set up" in (await w.status()).embed.description
    # Where he may post, he may schedule.
    w.emu.clear_overwrite(w.daily, mods)
    ok = await w.set_daily(dave)
    assert ok.content.startswith("The discussion of the day will be posted")


async def test_set_refuses_a_role_the_member_cannot_ping(w: Daily) -> None:
    # The bot may ping any role in #daily, but carol may not ping a role that is not mentionable.
    w.emu.set_overwrite(w.daily, w.emu.bot_user, allow=int(P.MENTION_EVERYONE))
    quiet_role = await w.b.role("Quiet")
    answer = await w.set_daily(role=quiet_role)
    assert answer.ephemeral
    assert answer.content.startswith(f"You cannot ping {quiet_role.mention} in {w.daily.mention} yourself")
    assert "Nothing was saved" in answer.content
    assert "Not set up" in (await w.status()).embed.description
    # With Mention @everyone in that channel she may.
    w.emu.set_overwrite(w.daily, w.carol.member, allow=int(P.MENTION_EVERYONE))
    ok = await w.set_daily(role=quiet_role)
    assert f"pinging {quiet_role.mention}" in ok.content


async def test_set_refuses_a_role_it_cannot_ping(w: Daily) -> None:
    quiet_role = await w.b.role("Quiet")
    answer = await w.set_daily(role=quiet_role)
    assert "I cannot ping" in answer.content and "Nothing was saved" in answer.content
    everyone = w.b.home.guild.everyone
    answer = await w.set_daily(role=everyone)
    assert "not @everyone" in answer.content
    assert "Not set up" in (await w.status()).embed.description


async def test_set_validates_on_the_client_too(w: Daily) -> None:
    with pytest.raises(InvocationError):
        await w.set_daily(kind="memes")
    with pytest.raises(InvocationError):
        await w.set_daily(channel=w.emu.add_category(w.b.home.guild, "A category"))


async def test_timezone_autocomplete(w: Daily) -> None:
    choices = await w.carol.suggestions("daily set", focused="timezone", value="kolk")
    assert [c.value for c in choices] == ["Asia/Kolkata"]
    choices = await w.carol.suggestions("daily set", focused="timezone", value="new_y")
    assert "America/New_York" in [c.value for c in choices]
    assert len(await w.carol.suggestions("daily set", focused="timezone", value="a")) == 25


async def test_a_time_already_passed_today_does_not_post_today(w: Daily) -> None:
    answer = await w.set_daily(time="11:00")
    tomorrow = datetime(2026, 3, 15, 11, 0, tzinfo=UTC)
    assert timestamp(tomorrow) in answer.content
    await w.b.at(DUE + timedelta(hours=10))
    assert w.posts() == []
    await w.b.at(tomorrow)
    assert len(w.posts()) == 1


async def test_members_cannot_use_daily(w: Daily) -> None:
    # Hidden from members by default ...
    with pytest.raises(InvocationError, match="cannot use /daily"):
        await w.alice.run("daily status")
    # ... and refused by the bot when a server opens the command to everyone.
    w.b.open_to_everyone("daily")
    for sub in ("status", "preview", "off", "post-now"):
        answer = await w.alice.run(f"daily {sub}")
        assert answer.ephemeral and answer.content.startswith("Only moderators can do that")
    answer = await w.set_daily(w.alice)
    assert answer.content.startswith("Only moderators can do that")
    assert "Not set up" in (await w.status()).embed.description


async def test_the_moderator_role_may_use_daily(w: Daily) -> None:
    dave, _ = await w.add_moderator()
    answer = await w.set_daily(dave)
    assert answer.content.startswith("The discussion of the day will be posted")


async def test_status_shows_schedule_next_last_and_content_left(w: Daily) -> None:
    await w.set_daily(kind="both")
    before = await w.status()
    assert (f"**#1** · Discussion and joke of the day in {w.daily.mention} at **12:30** (Europe/London) every day, "
            "on" in before.embed.description)
    assert timestamp(DUE) in before.embed.fields["Next post"]
    assert "Last post" not in before.embed.fields
    await w.b.at(DUE)
    after = (await w.status()).embed.fields
    joke = w.posts()[-1]
    assert link(w, joke) in after["Last post"]
    assert timestamp(DUE + timedelta(days=1)) in after["Next post"]
    left = after["Content left"]
    topics = unused(left, "topics")
    jokes = unused(left, "jokes")
    assert jokes > 7
    assert ("running low" in left) == (topics < 7)


def unused(left: str, noun: str) -> int:
    """How many unused topics or jokes /daily status says are left."""
    found = re.search(rf"(\d+) unused {noun}", left)
    assert found is not None, f"no count of unused {noun} in {left!r}"
    return int(found.group(1))


async def test_status_warns_when_content_runs_low(w: Daily) -> None:
    await w.set_daily()
    pool = unused((await w.status()).embed.fields["Content left"], "topics")
    for day in range(pool - 6):
        await w.b.at(DUE + timedelta(days=day))
    left = (await w.status()).embed.fields["Content left"]
    assert left.startswith("6 unused topics (6 days) ⚠️ running low")


async def test_preview_shows_the_next_post_to_the_moderator_only(w: Daily) -> None:
    preview_before_setup = await w.carol.run("daily preview")
    assert "daily set" in preview_before_setup.content
    await w.set_daily()
    preview = await w.carol.run("daily preview")
    assert preview.ephemeral
    assert timestamp(DUE) in preview.content and w.daily.mention in preview.content
    assert w.posts() == []
    await w.b.at(DUE)
    [post] = w.posts()
    assert post.embed.title == preview.embed.title


async def test_off_stops_the_posts(w: Daily) -> None:
    nothing = await w.carol.run("daily off")
    assert nothing.content == "Daily posts were not on here."
    await w.set_daily()
    off = await w.carol.run("daily off")
    assert off.ephemeral and off.content.startswith("Daily posts are off.")
    await w.b.at(DUE)
    await w.b.at(DUE + timedelta(days=1))
    assert w.posts() == []
    status = await w.status()
    assert "**off**" in status.embed.description
    assert "Next post" not in status.embed.fields


async def test_post_now_counts_as_todays_post(w: Daily) -> None:
    refused = await w.carol.run("daily post-now")
    assert "daily set" in refused.content
    await w.set_daily()
    answer = await w.carol.run("daily post-now")
    assert answer.ephemeral
    [post] = w.posts()
    assert answer.content == f"✅ Discussion of the day posted: {link(w, post)}"
    again = await w.carol.run("daily post-now")
    assert again.content.startswith("ℹ️ Today's discussion of the day is already posted")
    # Members are told the same next post as the moderators: tomorrow's, today's being done.
    [help_daily] = [line for line in (await w.alice.run("help")).embed.fields["In this server"].splitlines()
                    if line.startswith("**Daily post:**")]
    assert timestamp(DUE + timedelta(days=1), "R") in help_daily
    await w.b.at(DUE)
    assert len(w.posts()) == 1
    status = await w.status()
    assert timestamp(DUE + timedelta(days=1)) in status.embed.fields["Next post"]


async def test_post_now_when_discord_fails_keeps_trying(w: Daily) -> None:
    await w.set_daily()
    w.emu.inject_fault("POST", SEND.format(w.daily.id), 503, times=1)
    answer = await w.carol.run("daily post-now")
    assert answer.content.startswith("⏳ Discussion of the day: Discord had a server error (503)")
    await w.b.at(START + timedelta(seconds=15))
    assert len(w.posts()) == 1
    await w.b.at(DUE)
    assert len(w.posts()) == 1


# --- days, several schedules, pauses ------------------------------------------------------------------

def at_utc(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, tzinfo=UTC)


async def test_two_schedules_with_their_own_days_through_restarts_and_daylight_saving(w: Daily) -> None:
    fun = w.emu.add_text_channel(w.b.home.guild, "fun")
    talk = await w.set_daily(days="weekdays")
    # Saturday: the first weekday is Monday 16 March.
    assert "on weekdays at **12:30** (Europe/London)" in talk.content
    assert timestamp(at_utc(16, 12, 30)) in talk.content and "This is schedule #1" in talk.content
    jokes = await w.set_daily(channel=fun, time="09:00", kind="joke", days="sat, sun")
    assert timestamp(at_utc(15, 9)) in jokes.content
    assert "This is schedule #2; the server has 2 daily schedules." in jokes.content
    status = await w.status()
    first, second = status.embed.description.split("\n")
    assert first.startswith(f"**#1** · Discussion of the day in {w.daily.mention} at **12:30** (Europe/London) "
                            "on weekdays, on")
    assert timestamp(at_utc(16, 12, 30)) in first
    assert second.startswith(f"**#2** · Joke of the day in {fun.mention} at **09:00** (Europe/London) on weekends, on")
    assert timestamp(at_utc(15, 9)) in second and timestamp(at_utc(15, 9)) in status.embed.fields["Next post"]
    # Sunday's joke, a restart, Monday's discussion.
    await w.b.at(at_utc(15, 9))
    await w.b.restart(at=at_utc(15, 10))
    await w.b.at(at_utc(16, 12, 30))
    assert [p.content for p in w.posts(fun)] == ["**Joke of the day** · Sunday 15 March"]
    assert [p.content for p in w.posts()] == ["**Discussion of the day** · Monday 16 March"]
    # Down over the weekend London changes to summer time (29 March): back on Sunday morning, the
    # joke comes at 09:00 BST (08:00 UTC), then Monday's discussion at 12:30 BST (11:30 UTC).
    await w.b.restart(at=at_utc(29, 7, 59))
    assert len(w.posts(fun)) == 1
    await w.b.at(at_utc(29, 8))
    assert w.posts(fun)[-1].content == "**Joke of the day** · Sunday 29 March"
    await w.b.restart(at=at_utc(30, 11, 29))
    discussions = len(w.posts())
    await w.b.at(at_utc(30, 11, 30))
    assert len(w.posts()) == discussions + 1 and w.posts()[-1].content == "**Discussion of the day** · Monday 30 March"
    await w.b.restart(at=at_utc(30, 12, 30))
    assert len(w.posts()) == discussions + 1 and len(w.posts(fun)) == 2


async def test_a_sunday_schedule_in_sydney_posts_once_when_the_clocks_go_back(w: Daily) -> None:
    # Sydney leaves summer time on Sunday 5 April 2026: 02:30 happens twice, at 15:30 and 16:30 UTC.
    answer = await w.set_daily(w.olga, time="02:30", timezone="Australia/Sydney", days="sundays", kind="joke")
    first_sunday = datetime(2026, 3, 14, 15, 30, tzinfo=UTC)  # 02:30 AEDT on Sunday 15 March
    assert "on Sun at **02:30** (Australia/Sydney)" in answer.content and timestamp(first_sunday) in answer.content
    await w.b.at(first_sunday)
    await w.b.restart(at=datetime(2026, 4, 4, 15, 29, tzinfo=UTC))
    await w.b.at(datetime(2026, 4, 4, 15, 30, tzinfo=UTC))
    await w.b.restart(at=datetime(2026, 4, 4, 16, 15, tzinfo=UTC))
    await w.b.at(datetime(2026, 4, 4, 16, 30, tzinfo=UTC))  # 02:30 AEST, the second time
    await w.b.at(datetime(2026, 4, 11, 16, 30, tzinfo=UTC))  # 02:30 AEST on Sunday 12 April
    assert [p.content for p in w.posts(w.other_daily)] == [
        "**Joke of the day** · Sunday 15 March", "**Joke of the day** · Sunday 5 April",
        "**Joke of the day** · Sunday 12 April"]
    # /daily status lists the Sundays it was down for as missed, and nothing of the days in between.
    problems = await w.problems(w.olga)
    assert "2026-03-22 joke: Missed" in problems
    assert "2026-03-23" not in problems


async def test_a_pause_over_a_holiday_is_shown_and_posts_nothing(w: Daily) -> None:
    await w.set_daily()
    await w.b.at(DUE)
    answer = await w.carol.run("daily pause", **{"from": "2026-03-15", "to": "2026-03-17"})
    assert answer.ephemeral
    assert answer.content.startswith("⏸️ No daily posts from Sunday 15 March 2026 to Tuesday 17 March 2026 (both "
                                     "included) for 1 schedule.")
    assert f"#1 in {w.daily.mention} posts again {timestamp(at_utc(18, 12, 30))}" in answer.content
    status = await w.status()
    assert "⏸️ Paused from 2026-03-15 to 2026-03-17." in status.embed.description
    assert timestamp(at_utc(18, 12, 30)) in status.embed.fields["Next post"]
    await w.b.at(at_utc(15, 12, 30))
    await w.b.restart(at=at_utc(16, 12, 31))
    await w.b.at(at_utc(17, 12, 30))
    assert len(w.posts()) == 1
    assert await w.problems() == ""  # nothing was missed: nothing was due
    await w.b.at(at_utc(18, 12, 30))
    assert [p.content for p in w.posts()][-1] == "**Discussion of the day** · Wednesday 18 March"
    assert "Paused" not in (await w.status()).embed.description


async def test_resume_ends_a_pause_early(w: Daily) -> None:
    await w.set_daily()
    nothing = await w.carol.run("daily resume")
    assert nothing.content == "No daily schedule here is paused."
    await w.carol.run("daily pause", **{"from": "2026-03-14", "to": "2026-03-20"})
    await w.b.at(DUE)
    assert w.posts() == []
    answer = await w.carol.run("daily resume")
    assert answer.content.startswith("▶️ The pause is over for 1 schedule.")
    assert timestamp(at_utc(15, 12, 30)) in answer.content
    await w.b.at(at_utc(15, 12, 30))
    assert len(w.posts()) == 1


@pytest.mark.parametrize(("command", "options", "error"), [
    ("daily set", {"days": "funday"}, "`funday` is not a day of the week"),
    ("daily set", {"days": "mon, wed, fryday"}, "`fryday` is not a day of the week"),
    ("daily set", {"days": "every 0 days"}, "the number of days must be from 1 to 365"),
    ("daily pause", {"from": "2026-03-20", "to": "2026-03-16"}, "The pause would end (`2026-03-16`) before it "
                                                                  "starts (`2026-03-20`)"),
    ("daily pause", {"from": "next week", "to": "2026-03-16"}, "is not a date"),
    ("daily pause", {"from": "2026-03-16", "to": "2026-03-17", "schedule": 99}, "This server has no daily schedule"),
    ("daily remove", {"schedule": 99}, "This server has no daily schedule `#99`"),
])
async def test_bad_schedule_input_changes_nothing(w: Daily, command: str, options: dict[str, str | int],
                                                  error: str) -> None:
    await w.set_daily(days="weekdays")
    before = await w.status()
    if command == "daily set":
        answer = await w.set_daily(**options)
    else:
        answer = await w.carol.run(command, **options)
    assert answer.ephemeral and error in answer.content
    after = await w.status()
    assert after.embed == before.embed


async def test_remove_one_schedule(w: Daily) -> None:
    fun = w.emu.add_text_channel(w.b.home.guild, "fun")
    await w.set_daily()
    await w.set_daily(channel=fun, kind="joke", time="09:00")
    choices = await w.carol.suggestions("daily remove", focused="schedule")
    assert [(c.name, c.value) for c in choices] == [
        ("#1 · discussion at 12:30 every day in #daily", "1"), ("#2 · joke at 09:00 every day in #fun", "2")]
    answer = await w.carol.run("daily remove", schedule=1)
    assert answer.ephemeral
    assert answer.content.startswith(f"Schedule #1 (discussion at 12:30 every day in {w.daily.mention}) is removed; "
                                     "1 schedule left.")
    await w.b.at(DUE)
    assert w.posts() == []
    assert (await w.status()).embed.description.startswith(f"**#2** · Joke of the day in {fun.mention}")
    await w.b.at(at_utc(15, 9))
    assert len(w.posts(fun)) == 1


# --- review reminders ---------------------------------------------------------------------------------

async def suggest_joke(who: Person, text: str) -> None:
    form = (await who.run("suggest joke")).form
    assert "Your suggestion is" in (await form.submit({"joke": text, "punchline": "It was a setup."})).content


async def test_reviewers_are_reminded_once_a_day_and_never_of_an_empty_queue(w: Daily) -> None:
    modlog = w.emu.add_text_channel(w.b.home.guild, "mod-log")
    reviewers = await w.b.role("Reviewers", mentionable=True)
    assert (await w.carol.run("settings modlog", channel=modlog)).content == "Saved."
    assert (await w.carol.run("settings moderator-role", role=reviewers)).content == "Saved."

    def reminders() -> list[Shown]:
        return [m for m in w.b.messages(modlog) if "Review queue" in m.content]

    # Days with an empty queue: nothing.
    await w.b.at(at_utc(15, 12))
    await w.b.at(at_utc(16, 12))
    assert reminders() == []
    await suggest_joke(w.alice, "Why did the reminder cross the road?")
    await w.b.at(at_utc(17, 11))  # 23 hours: not yet
    assert reminders() == []
    await w.b.at(at_utc(17, 13))
    [first] = reminders()
    suggested = at_utc(16, 12)
    assert first.content == (f"{reviewers.mention} ⏰ **Review queue:** 1 suggestion waits for a moderator; it has "
                             f"waited 25 hours (since {timestamp(suggested, 'f')}). Start with `/review`.")
    [sent] = [r for r in w.sends(modlog) if "Review queue" in (r.json.get("content") or "")]
    assert sent.json["allowed_mentions"] == {"parse": [], "roles": [reviewers.id]}
    # The rest of the day, and a restart, bring no second one.
    await w.b.at(at_utc(17, 18))
    await w.b.restart(at=at_utc(17, 23, 30))
    await w.b.at(at_utc(17, 23, 59))
    assert len(reminders()) == 1
    # The next day, one more (with the second suggestion, not yet old enough to count alone).
    await suggest_joke(w.alice, "What do you call a queue that never moves?")
    await w.b.at(at_utc(18, 1))
    assert len(reminders()) == 2
    assert reminders()[-1].content.split("⏰ ")[1].startswith(
        "**Review queue:** 2 suggestions wait for a moderator; the oldest has waited 37 hours")
    await w.b.restart(at=at_utc(18, 9))
    await w.b.at(at_utc(18, 22))
    assert len(reminders()) == 2
    # Both decided: the queue is empty, and the days after bring nothing.
    for _ in range(2):
        review = await w.carol.run("review")
        case_id = int(review.content.split("#")[1].split("**")[0])
        await w.carol.click(review, f"review:{case_id}:approve")
    assert "queue is empty" in (await w.carol.run("review")).content
    await w.b.at(at_utc(19, 12))
    await w.b.at(at_utc(20, 12))
    assert len(reminders()) == 2


# --- the archive --------------------------------------------------------------------------------------

async def test_the_archive_lists_earlier_topics_with_votes_links_and_thread_counts(w: Daily) -> None:
    empty = await w.alice.run("discussion past")
    assert empty.ephemeral and "No topic of the day has been posted here yet" in empty.embed.description
    await w.set_daily()
    for day in range(6):
        await w.b.at(DUE + timedelta(days=day))
    posts = w.posts()
    assert len(posts) == 6
    first, second = posts[0].thread, posts[1].thread
    assert first is not None and second is not None
    # The first day's thread was busy: two messages from alice, one from carol (and the bot, its owner, is
    # a member too); the second day's thread had one message.
    await w.alice.say(first, "I think so")
    await w.carol.say(first, "Not me")
    last_word = await w.alice.say(first, "Fair enough")
    await w.carol.say(second, "Anyone?")
    await w.alice.click(posts[0], "👍")
    await w.carol.click(posts[0], "👎")
    await w.alice.click(posts[1], "👍")

    page = await w.alice.run("discussion past")
    assert page.ephemeral
    lines = page.embed.description.split("\n")
    assert len(lines) == 5 and page.embed.footer.startswith("Page 1 of 2 · 6 topics")
    # Newest first: the sixth day, down to the second.
    assert lines[0].startswith("**Thu 19 Mar 2026** · [")
    second_day = lines[-1]
    assert second_day.startswith("**Sun 15 Mar 2026** · [")
    assert f"({link(w, posts[1])})" in second_day
    assert "👍 1 👎 0" in second_day
    assert (f"💬 [thread](https://discord.com/channels/{w.b.home.id}/{second.id}): 1 message, "
            "2 members") in second_day
    assert f"`#{posts[1].item_id}`" in second_day
    older = await w.alice.run("discussion past", page=2)
    [oldest] = older.embed.description.split("\n")
    assert oldest.startswith("**Sat 14 Mar 2026** · [" + posts[0].embed.title.removeprefix("💬 "))
    assert "👍 1 👎 1" in oldest and ": 3 messages, 3 members" in oldest
    # Counts are read when the archive is shown: a deleted message no longer counts.
    w.emu.events.delete_message(last_word.message)
    older = await w.alice.run("discussion past", page=2)
    assert ": 2 messages, 3 members" in older.embed.description
    missing = await w.alice.run("discussion past", page=3)
    assert missing.ephemeral and missing.content == "There is no page 3: the archive has 2 pages."


async def test_show_brings_an_earlier_topic_back_with_its_votes(w: Daily) -> None:
    await w.set_daily()
    await w.b.at(DUE)
    [post] = w.posts()
    await w.alice.click(post, "👍")
    choices = await w.alice.suggestions("discussion show", focused="id")
    assert [c.value for c in choices] == [str(post.item_id)]
    shown = await w.alice.run("discussion show", id=post.item_id)
    assert not shown.ephemeral and shown.message.message.channel_id == w.b.general.id
    assert shown.content == "From the archive: the topic of the day on Saturday 14 March 2026."
    assert shown.embed.title == post.embed.title
    assert shown.message.votes == (1, 0)
    # Its buttons count as the same item's votes.
    await w.carol.click(shown, "👍")
    assert shown.message.votes == (2, 0)
    never = post.item_id + 1
    refused = await w.alice.run("discussion show", id=never)
    assert refused.ephemeral
    assert refused.content.startswith(f"Topic `#{never}` was never this server's topic of the day")
