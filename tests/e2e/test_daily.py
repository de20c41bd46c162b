"""Daily posts end to end: the real bot, started as ``python -m bot run`` starts it, against the
local Discord emulator, on a real SQLite file, with a ManualClock.

The bot's clock only moves when a test moves it. "Waiting" below means waiting for the bot to
finish work it already has (database I/O, HTTP to the emulator), never for time to pass.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.bot import BanterBot
from bot.config import Config
from bot.sandbox.app import run_banter
from discord_emulator import Channel, DiscordEmulator, Guild, InvocationError, Member, Message, Role
from discord_emulator import Permissions as P
from discord_emulator.driver import sandbox
from tests.clocks import WatchedClock
from tests.e2e.harness import START, fresh_config

# START is Saturday 14 March 2026, 12:00 UTC; London is on GMT (UTC+0) that day.
TODAY = START.date()
DUE = datetime(2026, 3, 14, 12, 30, tzinfo=UTC)
HEADLINE = "**Discussion of the day** · Saturday 14 March"
SEND = r"^/channels/{}/messages$"


@dataclass
class World:
    emu: DiscordEmulator
    config: Config
    clock: WatchedClock
    guild: Guild
    general: Channel
    daily: Channel
    alice: Member  # no rights
    carol: Member  # Manage Server
    other: Guild
    other_daily: Channel
    olga: Member  # Manage Server in the other server
    bot: BanterBot | None = None
    _stack: contextlib.AsyncExitStack = field(default_factory=contextlib.AsyncExitStack)

    @property
    def core(self) -> Any:
        assert self.bot is not None, "the bot is not running"
        return self.bot.core

    # -- the bot process ------------------------------------------------------------------------

    async def start(self) -> None:
        self.bot = await self._stack.enter_async_context(run_banter(self.emu, self.config, self.clock))
        await self.quiet()

    async def stop(self) -> None:
        """Stop the bot the way a shutdown (or a crash, for what it has not written yet) does."""
        await self._stack.aclose()
        self._stack = contextlib.AsyncExitStack()
        self.bot = None

    async def quiet(self) -> None:
        """Wait until the bot has done everything it can do before the clock moves again: the daily
        scheduler waits for its next time and every send is done or waits on the clock to retry.
        Woken by the service's state changes, not by polling; the timeout only turns a hang into a
        failure."""
        await asyncio.wait_for(self.clock.quiet(), 10)

    async def at(self, when: datetime) -> None:
        """Move the bot's clock to ``when`` and let it act."""
        await self.clock.set(when)
        if self.bot is not None:
            await self.quiet()

    async def restart_at(self, when: datetime) -> None:
        """Stop the bot, move the clock to ``when`` while it is down, and start it again."""
        await self.stop()
        await self.at(when)
        await self.start()

    # -- acting -----------------------------------------------------------------------------------

    async def reply(self, who: Member, command: str, **options: Any) -> Message:
        """Run a command in the member's #general (or the other server's channel) and return the answer."""
        ix = await self.emu.slash(who, self.channel_of(who), command, **options)
        message = await ix.original_message()
        await self.quiet()
        return message

    async def set_daily(self, who: Member | None = None, **options: Any) -> Message:
        who = who or self.carol
        options.setdefault("channel", self.daily if who is not self.olga else self.other_daily)
        options.setdefault("time", "12:30")
        options.setdefault("timezone", "Europe/London")
        return await self.reply(who, "daily set", **options)

    def open_daily_to_everyone(self) -> None:
        """As a server does when it clears /daily's default permission in its integration settings."""
        for command in self.emu.registered_commands():
            if command.name == "daily":
                command.default_member_permissions = None

    async def add_moderator(self) -> tuple[Member, Role]:
        """dave, whose role is the bot's moderator role (and who has no Discord permissions)."""
        mods = self.emu.add_role(self.guild, "Banter mods")
        dave = self.emu.add_member(self.guild, "dave", roles=[mods])
        self.open_daily_to_everyone()
        await self.core.storage.settings.update(self.guild.id, moderator_role_id=mods.id)
        return dave, mods

    def channel_of(self, who: Member) -> Channel:
        return self.other_daily if who.guild_id == self.other.id else self.general

    def posts(self, channel: Channel | None = None) -> list[Message]:
        """The daily posts in a channel (not command answers)."""
        channel = channel or self.daily
        return [m for m in self.emu.channel_messages(channel)
                if "of the day**" in m.content and m.interaction_metadata is None]

    def sends(self, channel: Channel | None = None) -> list[Any]:
        return self.emu.requests_to("POST", SEND.format((channel or self.daily).id))

    async def ledger(self, day: date = TODAY, guild: Guild | None = None) -> list[Any]:
        return await self.core.storage.daily.posts_on((guild or self.guild).id, day)


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async for world in make_world(await fresh_config(tmp_path)):
        yield world


async def make_world(config: Config) -> AsyncIterator[World]:
    clock = WatchedClock(START)
    async with sandbox(channels=("general", "daily"), members=("alice",)) as sb:
        emu = sb.emu
        admins = emu.add_role(sb.guild, "Admins", int(P.MANAGE_GUILD))
        carol = emu.add_member(sb.guild, "carol", roles=[admins])
        other = emu.add_guild("Other server")
        other_daily = emu.add_text_channel(other, "daily")
        olga = emu.add_member(other, "olga", roles=[emu.add_role(other, "Admins", int(P.MANAGE_GUILD))])
        world = World(emu, config, clock, sb.guild, sb.general, sb.channel("daily"), sb.alice, carol, other,
                      other_daily, olga)
        await world.start()
        await emu.wait_for_commands(["daily", "discussion"])
        try:
            yield world
            # Everything the bot sent fits Discord's API, and no daily post could ping anyone it
            # was not asked to.
            assert emu.spec_violations == []
            for request in emu.requests_to("POST", r"^/channels/\d+/messages$"):
                mentions = request.json["allowed_mentions"]
                assert mentions["parse"] == [] and set(mentions) <= {"parse", "roles", "replied_user"}
        finally:
            await world.stop()


def item_id(message: Message) -> int:
    return int(re.search(r"#(\d+)", message.embed["footer"]["text"]).group(1))


def timestamp(moment: datetime, style: str = "F") -> str:
    return f"<t:{int(moment.timestamp())}:{style}>"


def fields(message: Message) -> dict[str, str]:
    """An embed's fields, by name."""
    return {f["name"]: f["value"] for f in message.embed["fields"]}


# --- the post at the set time ---------------------------------------------------------------------

async def test_set_answers_with_the_next_post_as_a_discord_timestamp(w: World) -> None:
    answer = await w.set_daily()
    assert answer.ephemeral
    assert f"<#{w.daily.id}>" in answer.content and "**12:30** (Europe/London)" in answer.content
    assert timestamp(DUE) in answer.content and timestamp(DUE, "R") in answer.content
    assert "with a thread" in answer.content
    assert (await w.core.storage.settings.get(w.guild.id)).timezone == "Europe/London"


async def test_a_post_at_the_set_time_exactly_once(w: World) -> None:
    await w.set_daily()
    await w.at(DUE - timedelta(seconds=1))
    assert w.posts() == []
    await w.at(DUE)
    [post] = w.posts()
    assert post.content == HEADLINE
    assert post.author_id == w.emu.bot_user.id
    # The buttons every item carries: the votes first.
    assert [b["custom_id"] for b in post.buttons()][:2] == [f"vote:{item_id(post)}:up", f"vote:{item_id(post)}:down"]
    # The topic /discussion today shows, with a thread named after it.
    today = await w.reply(w.alice, "discussion today")
    assert item_id(today) == item_id(post)
    assert post.thread is not None and "💬 " + post.thread.name == post.embed["title"]
    # Sent with a nonce Discord enforces; no mentions at all without a role.
    [send] = w.sends()
    assert send.json["enforce_nonce"] is True and send.json["nonce"]
    assert send.json["allowed_mentions"] == {"parse": []}
    [row] = await w.ledger()
    assert (row.status, row.message_id, row.thread_id) == ("sent", post.id, post.id)
    # Later that day, and the next morning, nothing more.
    await w.at(DUE + timedelta(minutes=1))
    await w.at(DUE + timedelta(hours=18))
    assert len(w.posts()) == 1
    # The next day brings the next topic, a different one.
    await w.at(DUE + timedelta(days=1))
    first, second = w.posts()
    assert second.content == "**Discussion of the day** · Sunday 15 March"
    assert item_id(first) != item_id(second)


async def test_votes_work_on_the_daily_post(w: World) -> None:
    await w.set_daily(thread=False)
    await w.at(DUE)
    [post] = w.posts()
    assert post.thread is None
    click = await w.emu.click(w.alice, post, emoji="👍")
    assert (await click.response()).type == 7
    assert [b["label"] for b in w.emu.get_message(post).buttons()][:2] == ["1", "0"]


async def test_role_ping_mentions_only_that_role(w: World) -> None:
    role = w.emu.add_role(w.guild, "Daily readers", mentionable=True)
    answer = await w.set_daily(role=role, kind="both")
    assert f"pinging <@&{role.id}>" in answer.content
    await w.at(DUE)
    discussion, joke = w.posts()
    assert discussion.content == f"<@&{role.id}> {HEADLINE}"
    assert joke.content == "**Joke of the day** · Saturday 14 March"
    first, second = w.sends()
    assert first.json["allowed_mentions"] == {"parse": [], "roles": [role.id]}
    assert second.json["allowed_mentions"] == {"parse": []}
    assert discussion.thread is not None and joke.thread is None


async def test_two_servers_at_the_same_minute(w: World) -> None:
    await w.set_daily()
    # 08:30 in New York (EDT since 8 March) is 12:30 UTC too.
    answer = await w.set_daily(w.olga, time="08:30", timezone="America/New_York")
    assert timestamp(DUE) in answer.content
    await w.at(DUE)
    assert len(w.posts()) == 1 and len(w.posts(w.other_daily)) == 1
    assert (await w.core.storage.settings.get(w.other.id)).timezone == "America/New_York"


# --- restarts ---------------------------------------------------------------------------------------

async def test_restart_just_before_the_post_time(w: World) -> None:
    await w.set_daily()
    await w.at(DUE - timedelta(seconds=30))
    await w.restart_at(DUE - timedelta(seconds=10))
    assert w.posts() == []
    await w.at(DUE)
    assert len(w.posts()) == 1
    assert len(w.sends()) == 1


async def test_restart_just_after_the_post_time(w: World) -> None:
    await w.set_daily()
    await w.at(DUE)
    assert len(w.posts()) == 1
    await w.restart_at(DUE + timedelta(seconds=30))
    await w.at(DUE + timedelta(minutes=5))
    assert len(w.posts()) == 1
    assert len(w.sends()) == 1


async def test_down_at_the_post_time_for_a_moment(w: World) -> None:
    await w.set_daily()
    await w.at(DUE - timedelta(seconds=5))
    await w.restart_at(DUE + timedelta(seconds=20))
    assert len(w.posts()) == 1
    await w.restart_at(DUE + timedelta(minutes=2))
    assert len(w.posts()) == 1


async def hang_at_due(w: World, write: str) -> None:
    """Move the clock to the post time and let the bot "crash" as it reaches the ledger's ``write``
    (``record_sent``, ``record_thread``): the write never happens; the test then stops the bot."""
    reached = asyncio.Event()

    async def hang(*args: Any, **kwargs: Any) -> None:
        reached.set()
        await asyncio.Event().wait()  # the process dies here

    setattr(w.core.storage.daily, write, hang)
    await w.clock.set(DUE)
    await asyncio.wait_for(reached.wait(), 10)


async def test_crash_between_send_and_record_still_one_message(w: World) -> None:
    await w.set_daily()
    await hang_at_due(w, "record_sent")
    assert len(w.posts()) == 1
    [row] = await w.ledger()
    assert (row.status, row.attempts, row.message_id) == ("sending", 1, None)
    await w.restart_at(DUE + timedelta(seconds=40))
    [post] = w.posts()
    [row] = await w.ledger()
    assert (row.status, row.message_id) == ("sent", post.id)
    # Found in the channel's history: nothing was sent again.
    assert len(w.sends()) == 1


async def test_crash_between_send_and_record_without_history_the_nonce_holds(w: World) -> None:
    # /daily set asks for Read Message History; if it is taken away later, the bot cannot look and
    # the resend carries the same nonce.
    await w.set_daily()
    w.emu.set_overwrite(w.daily, w.emu.bot_user, deny=int(P.READ_MESSAGE_HISTORY))
    await hang_at_due(w, "record_sent")
    await w.restart_at(DUE + timedelta(seconds=40))
    [post] = w.posts()
    first, second = w.sends()
    assert first.json["nonce"] == second.json["nonce"] and second.json["enforce_nonce"] is True
    [row] = await w.ledger()
    assert (row.status, row.message_id, row.attempts) == ("sent", post.id, 2)


async def test_crash_then_back_after_the_nonce_expired_finds_the_message(w: World) -> None:
    await w.set_daily()
    await hang_at_due(w, "record_sent")
    await w.stop()
    w.emu.advance(3600)  # Discord has long forgotten the nonce
    await w.at(DUE + timedelta(hours=1))
    await w.start()
    assert len(w.posts()) == 1 and len(w.sends()) == 1
    [row] = await w.ledger()
    assert row.status == "sent"


async def test_crash_before_the_thread_was_recorded_opens_no_second_thread(w: World) -> None:
    await w.set_daily()
    await hang_at_due(w, "record_thread")
    await w.restart_at(DUE + timedelta(minutes=1))
    [post] = w.posts()
    assert len(w.emu.threads(w.guild)) == 1
    # The second try was told the thread exists already (as Discord does), and took it.
    tries = w.emu.requests_to("POST", rf"^/channels/{w.daily.id}/messages/{post.id}/threads$")
    assert [r.status for r in tries][1:] == [400]
    [row] = await w.ledger()
    assert (row.thread_id, row.thread_error) == (post.id, None)


# --- downtime ---------------------------------------------------------------------------------------

async def test_downtime_inside_the_catch_up_window_posts_once_on_start(w: World) -> None:
    await w.set_daily()
    await w.restart_at(DUE + timedelta(hours=5, minutes=50))  # catch_up_minutes is 360
    [post] = w.posts()
    assert post.content == HEADLINE
    await w.restart_at(DUE + timedelta(hours=6))
    assert len(w.posts()) == 1


async def test_downtime_outside_the_catch_up_window_is_skipped_and_shown(w: World) -> None:
    await w.set_daily()
    await w.restart_at(DUE + timedelta(hours=6, minutes=10))
    assert w.posts() == []
    [row] = await w.ledger()
    assert row.status == "missed"
    status = await w.reply(w.carol, "daily status")
    assert "2026-03-14 discussion: Missed: the bot was offline" in fields(status)["Recent problems"]
    # Tomorrow is posted as usual.
    await w.at(DUE + timedelta(days=1))
    assert [p.content for p in w.posts()] == ["**Discussion of the day** · Sunday 15 March"]


async def test_days_of_downtime_post_only_today(w: World) -> None:
    await w.set_daily()
    await w.restart_at(DUE + timedelta(days=3, minutes=10))
    assert [p.content for p in w.posts()] == ["**Discussion of the day** · Tuesday 17 March"]
    statuses = [(await w.ledger(TODAY + timedelta(days=n)))[0].status for n in range(4)]
    assert statuses == ["missed", "missed", "missed", "sent"]


async def test_catch_up_zero_posts_on_time_but_never_late(tmp_path: Path) -> None:
    config = await fresh_config(tmp_path, "daily:\n  catch_up_minutes: 0\n")
    async for w in make_world(config):
        await w.set_daily()
        await w.at(DUE)
        assert len(w.posts()) == 1
        await w.restart_at(DUE + timedelta(days=1, minutes=10))
        assert len(w.posts()) == 1
        assert (await w.ledger(TODAY + timedelta(days=1)))[0].status == "missed"


# --- Discord failing ---------------------------------------------------------------------------------

async def test_a_429_discord_py_retries_itself(w: World) -> None:
    await w.set_daily()
    w.emu.inject_fault("POST", SEND.format(w.daily.id), 429, times=1, retry_after=0.01)
    await w.at(DUE)
    assert len(w.posts()) == 1
    assert [r.status for r in w.sends()] == [429, 200]


async def test_429s_beyond_discord_py_are_retried_with_backoff(w: World) -> None:
    await w.set_daily()
    # discord.py tries five times itself; after that the bot backs off on its own clock.
    w.emu.inject_fault("POST", SEND.format(w.daily.id), 429, times=5, retry_after=0.01)
    await w.at(DUE)
    assert w.posts() == []
    [row] = await w.ledger()
    assert row.status == "sending" and "rate-limited" in row.error
    status = await w.reply(w.carol, "daily status")
    assert "still trying" in fields(status)["Recent problems"]
    await w.at(DUE + timedelta(seconds=14))
    assert w.posts() == []
    await w.at(DUE + timedelta(seconds=15))
    assert len(w.posts()) == 1
    assert [r.status for r in w.sends()] == [429] * 5 + [200]


async def test_5xx_is_retried_with_backoff_and_posts_once(w: World) -> None:
    await w.set_daily()
    # 503 is not retried by discord.py (500/502/504 are, after real sleeps).
    w.emu.inject_fault("POST", SEND.format(w.daily.id), 503, times=2)
    await w.at(DUE)
    await w.at(DUE + timedelta(seconds=15))
    assert w.posts() == []
    await w.at(DUE + timedelta(seconds=45))
    assert len(w.posts()) == 1
    assert [r.status for r in w.sends()] == [503, 503, 200]
    assert len({r.json["nonce"] for r in w.sends()}) == 1
    [row] = await w.ledger()
    assert (row.status, row.attempts) == ("sent", 3)


async def test_channel_deleted_is_recorded_not_retried_and_others_still_post(w: World) -> None:
    await w.set_daily()
    await w.set_daily(w.olga)
    w.emu.delete_channel(w.daily)
    await w.at(DUE)
    assert len(w.posts(w.other_daily)) == 1
    [row] = await w.ledger()
    assert row.status == "failed" and "no longer exists" in row.error
    await w.at(DUE + timedelta(hours=2))
    assert len(w.sends()) == 1
    status = await w.reply(w.carol, "daily status")
    assert "no longer exists" in fields(status)["Recent problems"]


async def test_permission_removed_after_set_is_a_recorded_failure(w: World) -> None:
    await w.set_daily()
    w.emu.set_overwrite(w.daily, w.emu.bot_user, deny=int(P.SEND_MESSAGES))
    await w.at(DUE)
    [row] = await w.ledger()
    assert row.status == "failed" and "not allowed to post" in row.error
    # A moderator fixes it and posts today's by hand.
    w.emu.clear_overwrite(w.daily, w.emu.bot_user)
    answer = await w.reply(w.carol, "daily post-now")
    assert answer.content.startswith("✅ Discussion of the day posted:")
    assert len(w.posts()) == 1


# --- the commands -----------------------------------------------------------------------------------

@pytest.mark.parametrize(("options", "error"), [
    ({"time": "25:00"}, "is not a time of day"),
    ({"time": "noon"}, "is not a time"),
    ({"timezone": "Mars/Olympus"}, "is not a time zone I know"),
    ({"timezone": "Europe/Londn"}, "is not a time zone I know"),
])
async def test_set_refuses_bad_input_and_saves_nothing(w: World, options: dict[str, Any], error: str) -> None:
    answer = await w.set_daily(**options)
    assert answer.ephemeral and error in answer.content
    assert await w.core.storage.daily.get_schedule(w.guild.id) is None
    assert (await w.core.storage.settings.get(w.guild.id)).timezone == "UTC"
    status = await w.reply(w.carol, "daily status")
    assert "Not set up" in status.embed["description"]


async def test_set_refuses_a_channel_the_bot_cannot_post_in(w: World) -> None:
    w.emu.set_overwrite(w.daily, w.emu.bot_user, deny=int(P.SEND_MESSAGES))
    answer = await w.set_daily()
    assert answer.ephemeral
    assert answer.content == (f"I cannot post in <#{w.daily.id}>: I need the Send Messages permission there. "
                              "Nothing was saved.")
    w.emu.set_overwrite(w.daily, w.emu.bot_user, deny=int(P.CREATE_PUBLIC_THREADS))
    answer = await w.set_daily()
    assert "Create Public Threads" in answer.content and "thread: False" in answer.content
    assert await w.core.storage.daily.get_schedule(w.guild.id) is None
    ok = await w.set_daily(thread=False)
    assert ok.content.startswith("The discussion of the day will be posted")


async def test_set_needs_read_message_history(w: World) -> None:
    # Without it the bot could not find a post it made just before a crash, and might post twice.
    w.emu.set_overwrite(w.daily, w.emu.bot_user, deny=int(P.READ_MESSAGE_HISTORY))
    answer = await w.set_daily()
    assert answer.ephemeral
    assert answer.content == (f"I cannot post in <#{w.daily.id}>: I need the Read Message History permission "
                              "there. Nothing was saved.")
    assert await w.core.storage.daily.get_schedule(w.guild.id) is None


async def test_set_refuses_a_channel_the_member_cannot_post_in(w: World) -> None:
    # The moderator role opens /daily to dave, who may not post in #daily himself.
    dave, mods = await w.add_moderator()
    w.emu.set_overwrite(w.daily, mods, deny=int(P.SEND_MESSAGES))
    answer = await w.set_daily(dave)
    assert answer.ephemeral
    assert answer.content.startswith(f"You cannot post in <#{w.daily.id}> yourself")
    assert "Nothing was saved" in answer.content
    w.emu.set_overwrite(w.daily, mods, deny=int(P.VIEW_CHANNEL))
    answer = await w.set_daily(dave)
    assert answer.content.startswith(f"You cannot post in <#{w.daily.id}> yourself")
    assert await w.core.storage.daily.get_schedule(w.guild.id) is None
    # Where he may post, he may schedule.
    w.emu.clear_overwrite(w.daily, mods)
    ok = await w.set_daily(dave)
    assert ok.content.startswith("The discussion of the day will be posted")


async def test_set_refuses_a_role_the_member_cannot_ping(w: World) -> None:
    # The bot may ping any role in #daily, but carol may not ping a role that is not mentionable.
    w.emu.set_overwrite(w.daily, w.emu.bot_user, allow=int(P.MENTION_EVERYONE))
    quiet_role: Role = w.emu.add_role(w.guild, "Quiet")
    answer = await w.set_daily(role=quiet_role)
    assert answer.ephemeral
    assert answer.content.startswith(f"You cannot ping <@&{quiet_role.id}> in <#{w.daily.id}> yourself")
    assert "Nothing was saved" in answer.content
    assert await w.core.storage.daily.get_schedule(w.guild.id) is None
    # With Mention @everyone in that channel she may.
    w.emu.set_overwrite(w.daily, w.carol, allow=int(P.MENTION_EVERYONE))
    ok = await w.set_daily(role=quiet_role)
    assert f"pinging <@&{quiet_role.id}>" in ok.content


async def test_set_refuses_a_role_it_cannot_ping(w: World) -> None:
    quiet_role: Role = w.emu.add_role(w.guild, "Quiet")
    answer = await w.set_daily(role=quiet_role)
    assert "I cannot ping" in answer.content and "Nothing was saved" in answer.content
    everyone = w.guild.roles[w.guild.id]
    answer = await w.set_daily(role=everyone)
    assert "not @everyone" in answer.content
    assert await w.core.storage.daily.get_schedule(w.guild.id) is None


async def test_set_validates_on_the_client_too(w: World) -> None:
    with pytest.raises(InvocationError):
        await w.set_daily(kind="memes")
    with pytest.raises(InvocationError):
        await w.set_daily(channel=w.emu.add_category(w.guild, "A category"))


async def test_timezone_autocomplete(w: World) -> None:
    choices = await w.emu.autocomplete(w.carol, w.general, "daily set", focused="timezone", value="kolk")
    assert [c["value"] for c in choices] == ["Asia/Kolkata"]
    choices = await w.emu.autocomplete(w.carol, w.general, "daily set", focused="timezone", value="new_y")
    assert "America/New_York" in [c["value"] for c in choices]
    assert len(await w.emu.autocomplete(w.carol, w.general, "daily set", focused="timezone", value="a")) == 25


async def test_a_time_already_passed_today_does_not_post_today(w: World) -> None:
    answer = await w.set_daily(time="11:00")
    tomorrow = datetime(2026, 3, 15, 11, 0, tzinfo=UTC)
    assert timestamp(tomorrow) in answer.content
    await w.at(DUE + timedelta(hours=10))
    assert w.posts() == []
    await w.at(tomorrow)
    assert len(w.posts()) == 1


async def test_members_cannot_use_daily(w: World) -> None:
    # Hidden from members by default ...
    with pytest.raises(InvocationError, match="cannot use /daily"):
        await w.emu.slash(w.alice, w.general, "daily status")
    # ... and refused by the bot when a server opens the command to everyone.
    w.open_daily_to_everyone()
    for sub in ("status", "preview", "off", "post-now"):
        answer = await w.reply(w.alice, f"daily {sub}")
        assert answer.ephemeral and answer.content.startswith("Only moderators can do that")
    answer = await w.set_daily(w.alice)
    assert answer.content.startswith("Only moderators can do that")
    assert await w.core.storage.daily.get_schedule(w.guild.id) is None


async def test_the_moderator_role_may_use_daily(w: World) -> None:
    dave, _ = await w.add_moderator()
    answer = await w.set_daily(dave)
    assert answer.content.startswith("The discussion of the day will be posted")


async def test_status_shows_schedule_next_last_and_content_left(w: World) -> None:
    await w.set_daily(kind="both")
    before = await w.reply(w.carol, "daily status")
    assert before.ephemeral
    assert f"Discussion and joke of the day in <#{w.daily.id}> at **12:30** (Europe/London), on." in \
        before.embed["description"]
    assert timestamp(DUE) in fields(before)["Next post"]
    assert "Last post" not in fields(before)
    await w.at(DUE)
    after = await w.reply(w.carol, "daily status")
    after_fields = fields(after)
    joke = w.posts()[-1]
    assert f"https://discord.com/channels/{w.guild.id}/{w.daily.id}/{joke.id}" in after_fields["Last post"]
    assert timestamp(DUE + timedelta(days=1)) in after_fields["Next post"]
    left = after_fields["Content left"]
    topics = int(re.search(r"(\d+) unused topics", left).group(1))
    jokes = int(re.search(r"(\d+) unused jokes", left).group(1))
    assert jokes > 7
    assert ("running low" in left) == (topics < 7)


async def test_status_warns_when_content_runs_low(w: World) -> None:
    await w.set_daily()
    pool = (await w.core.daily.setup.status(w.guild.id)).remaining["discussion"]
    for day in range(pool - 6):
        await w.at(DUE + timedelta(days=day))
    status = await w.reply(w.carol, "daily status")
    left = fields(status)["Content left"]
    assert left.startswith("6 unused topics (6 days) ⚠️ running low")


async def test_preview_shows_the_next_post_to_the_moderator_only(w: World) -> None:
    preview_before_setup = await w.reply(w.carol, "daily preview")
    assert "daily set" in preview_before_setup.content
    await w.set_daily()
    preview = await w.reply(w.carol, "daily preview")
    assert preview.ephemeral
    assert timestamp(DUE) in preview.content and f"<#{w.daily.id}>" in preview.content
    assert w.posts() == []
    await w.at(DUE)
    [post] = w.posts()
    assert post.embed["title"] == preview.embed["title"]


async def test_off_stops_the_posts(w: World) -> None:
    nothing = await w.reply(w.carol, "daily off")
    assert nothing.content == "Daily posts were not on here."
    await w.set_daily()
    off = await w.reply(w.carol, "daily off")
    assert off.ephemeral and off.content.startswith("Daily posts are off.")
    await w.at(DUE)
    await w.at(DUE + timedelta(days=1))
    assert w.posts() == []
    status = await w.reply(w.carol, "daily status")
    assert "**off**" in status.embed["description"]
    assert "Next post" not in fields(status)


async def test_post_now_counts_as_todays_post(w: World) -> None:
    refused = await w.reply(w.carol, "daily post-now")
    assert "daily set" in refused.content
    await w.set_daily()
    answer = await w.reply(w.carol, "daily post-now")
    assert answer.ephemeral
    [post] = w.posts()
    assert answer.content == (f"✅ Discussion of the day posted: "
                              f"https://discord.com/channels/{w.guild.id}/{w.daily.id}/{post.id}")
    again = await w.reply(w.carol, "daily post-now")
    assert again.content.startswith("ℹ️ Today's discussion of the day is already posted")
    await w.at(DUE)
    assert len(w.posts()) == 1
    status = await w.reply(w.carol, "daily status")
    assert timestamp(DUE + timedelta(days=1)) in fields(status)["Next post"]


async def test_post_now_when_discord_fails_keeps_trying(w: World) -> None:
    await w.set_daily()
    w.emu.inject_fault("POST", SEND.format(w.daily.id), 503, times=1)
    answer = await w.reply(w.carol, "daily post-now")
    assert answer.content.startswith("⏳ Discussion of the day: Discord had a server error (503)")
    await w.at(START + timedelta(seconds=15))
    assert len(w.posts()) == 1
    await w.at(DUE)
    assert len(w.posts()) == 1
