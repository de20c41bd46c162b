"""/help and /about end to end: the commands as the bot registered them, the server's settings
that matter to members (and their changes), the version and the site's link."""

from __future__ import annotations

from pathlib import Path

from bot import version
from tests.e2e.harness import banter


async def test_help_lists_every_registered_command_with_its_description(tmp_path: Path) -> None:
    async with banter(tmp_path) as b:
        shown = await b.alice.run("help")
        assert shown.ephemeral
        members = shown.embed.description
        moderators = shown.embed.fields["For moderators"]
        registered = {c.name: c for c in b.emu.registered_commands()}
        for name, command in registered.items():
            if command.default_member_permissions:
                assert f"`/{name}`" in moderators and f"`/{name}" not in members
            else:
                assert f"`/{name}" in members
        # Each member's command with the description Discord was given for it.
        assert f"`/joke` {registered['joke'].description}" in members.splitlines()
        assert "`/favorites` The jokes and topics you saved with ⭐ in this server (only you see them)." in members
        assert "`/mydata delete` Remove everything Banter stores about you (asks first)." in members
        assert "`/settings` show, safe-mode," in moderators


async def test_help_tells_members_how_the_server_is_set_up(tmp_path: Path) -> None:
    async with banter(tmp_path) as b:
        lines = (await b.alice.run("help")).embed.fields["In this server"].splitlines()
        assert lines == ["**Safe mode:** on: nothing flagged is shown", "**Languages:** en", "**Daily post:** none",
                         "**Cooldowns:** `/joke` off, `/mood` off per member", "**Suggestions:** open: `/suggest`"]
        carol = await b.moderator("carol")
        await carol.run("settings safe-mode", enabled=False)
        await carol.run("settings cooldown", command="joke", seconds=30)
        await carol.run("settings suggestions", enabled=False)
        await carol.run("daily set", channel=b.general, time="09:00", timezone="Europe/Berlin")
        lines = (await b.bob.run("help")).embed.fields["In this server"].splitlines()
        assert lines[0] == "**Safe mode:** off"
        assert lines[2].startswith(f"**Daily post:** the discussion of the day in {b.general.mention}, next <t:")
        assert lines[3] == "**Cooldowns:** `/joke` 30 seconds, `/mood` off per member (none for moderators)"
        assert lines[4] == "**Suggestions:** closed"


async def test_about_says_what_banter_is_its_version_and_its_site(tmp_path: Path) -> None:
    async with banter(tmp_path) as b:
        about = await b.alice.run("about")
        assert about.ephemeral and about.embed.title == "About Banter"
        assert "jokes" in about.embed.description
        assert about.embed.fields["Version"] == version() != ""
        assert "Web site" not in about.embed.fields and about.embed.url is None
    extra = "web:\n  enabled: false\n  public_url: https://banter.example.org/\n"
    (tmp_path / "site").mkdir()
    async with banter(tmp_path / "site", config_extra=extra) as b:
        about = await b.alice.run("about")
        assert about.embed.fields["Web site"] == "https://banter.example.org"
