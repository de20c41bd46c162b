"""What the shell shows for Discord's markup (mentions, channels, roles, timestamps) and for
permission bits, and stable ids that make the same world in every run."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from discord_emulator import DiscordEmulator
from discord_emulator.flags import Permissions, permission_names
from discord_emulator.shell.markup import Markup, format_timestamp

NOW = datetime(2026, 3, 14, 12, 0, tzinfo=UTC)
TOKYO = timezone(timedelta(hours=9))


def world() -> tuple[DiscordEmulator, Markup]:
    emu = DiscordEmulator(spec_path=None)
    guild = emu.add_guild("Server")
    emu.add_text_channel(guild, "general")
    emu.add_role(guild, "Moderators")
    emu.add_member(guild, "alice")
    emu.add_member(guild, "bob", nick="Bobby")

    def name(channel_id: int) -> str | None:
        channel = emu.channels.get(channel_id)
        return None if channel is None else channel.name

    return emu, Markup(guild, emu.world.users, name, now=lambda: NOW, tz=TOKYO)


def test_mentions_read_as_names() -> None:
    emu, markup = world()
    guild = next(iter(emu.world.guilds.values()))
    alice, bob = emu.world.user_named("alice"), emu.world.user_named("bob")
    assert alice is not None and bob is not None
    general = guild.channel_named("general")
    role = next(r for r in guild.roles.values() if r.name == "Moderators")
    assert general is not None
    text = f"<@{alice.id}> and <@!{bob.id}> in <#{general.id}>, ping <@&{role.id}> or <@&{guild.id}>"
    assert markup.render(text) == "@alice and @Bobby in #general, ping @Moderators or @everyone"
    assert markup.render("<@123> <#456> <@&789>") == "@unknown-user #unknown @deleted-role"
    assert markup.render("no markup, <not a mention>") == "no markup, <not a mention>"


@pytest.mark.parametrize(("style", "expected"), [
    ("t", "21:00"), ("T", "21:00:00"), ("d", "14/03/2026"), ("D", "14 March 2026"), ("f", "14 March 2026 21:00"),
    ("F", "Saturday, 14 March 2026 21:00"),
])
def test_timestamps_in_the_readers_zone(style: str, expected: str) -> None:
    assert format_timestamp(int(NOW.timestamp()), style, now=NOW, tz=TOKYO) == expected


def test_a_timestamp_without_a_style_is_f() -> None:
    _, markup = world()
    assert markup.render(f"Next post: <t:{int(NOW.timestamp())}>") == "Next post: 14 March 2026 21:00"


@pytest.mark.parametrize(("delta", "expected"), [
    (timedelta(seconds=10), "in a few seconds"), (timedelta(seconds=-10), "a few seconds ago"),
    (timedelta(minutes=1), "in a minute"), (timedelta(minutes=30), "in 30 minutes"),
    (timedelta(hours=1), "in an hour"), (timedelta(hours=-5), "5 hours ago"), (timedelta(days=1), "in a day"),
    (timedelta(days=-3), "3 days ago"), (timedelta(days=60), "in 2 months"), (timedelta(days=-400), "a year ago"),
])
def test_relative_timestamps(delta: timedelta, expected: str) -> None:
    assert format_timestamp(int((NOW + delta).timestamp()), "R", now=NOW, tz=TOKYO) == expected


def test_permissions_by_the_names_the_client_gives_them() -> None:
    assert permission_names(int(Permissions.MANAGE_GUILD)) == "Manage Server"
    assert permission_names("32") == "Manage Server"
    assert permission_names(int(Permissions.MANAGE_GUILD | Permissions.KICK_MEMBERS)) == \
        "Kick Members and Manage Server"
    assert permission_names(0) == "no permissions"


def test_stable_ids_make_the_same_world_in_every_run() -> None:
    def build() -> list[int]:
        emu = DiscordEmulator(spec_path=None, stable_ids=True)
        guild = emu.add_guild("Banter sandbox")
        ids = [guild.id, emu.add_text_channel(guild, "general").id, emu.add_text_channel(guild, "random").id,
               emu.add_role(guild, "Moderators").id, emu.add_member(guild, "you").user.id,
               emu.add_member(guild, "friend").user.id]
        # The same name twice still gets two ids, the same two each run.
        ids.append(emu.add_text_channel(guild, "general").id)
        return ids

    first, second = build(), build()
    assert first == second and len(set(first)) == len(first)
    ordinary = DiscordEmulator(spec_path=None)
    assert ordinary.add_guild("Banter sandbox").id != first[0]
