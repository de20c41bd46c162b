"""/help and /about end to end: the commands as the bot registered them, the server's settings
that matter to members (and their changes), the version and the site's link."""

from __future__ import annotations

from pathlib import Path

from bot import version
from discord_emulator import Member, Message
from discord_emulator import Permissions as P
from tests.e2e.harness import Banter, banter


async def use(b: Banter, who: Member, name: str, **options: str | int | bool | object) -> Message:
    ix = await b.emu.slash(who, b.sb.general, name, **options)
    return await ix.original_message()


def fields(msg: Message) -> dict[str, str]:
    assert msg.embed is not None
    return {f["name"]: f["value"] for f in msg.embed.get("fields", [])}


async def test_help_lists_every_registered_command_with_its_description(tmp_path: Path) -> None:
    async with banter(tmp_path) as b:
        shown = await use(b, b.sb.alice, "help")
        assert shown.ephemeral and shown.embed is not None
        members = shown.embed["description"]
        moderators = fields(shown)["For moderators"]
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
        lines = fields(await use(b, b.sb.alice, "help"))["In this server"].splitlines()
        assert lines == ["**Safe mode:** on: nothing flagged is shown", "**Languages:** en", "**Daily post:** none",
                         "**Cooldowns:** `/joke` off, `/mood` off per member", "**Suggestions:** open: `/suggest`"]
        carol = b.emu.add_member(b.sb.guild, "carol", roles=[b.emu.add_role(b.sb.guild, "Admins",
                                                                            int(P.MANAGE_GUILD))])
        await use(b, carol, "settings safe-mode", enabled=False)
        await use(b, carol, "settings cooldown", command="joke", seconds=30)
        await use(b, carol, "settings suggestions", enabled=False)
        await use(b, carol, "daily set", channel=b.sb.general, time="09:00", timezone="Europe/Berlin")
        lines = fields(await use(b, b.sb.bob, "help"))["In this server"].splitlines()
        assert lines[0] == "**Safe mode:** off"
        assert lines[2].startswith(f"**Daily post:** the discussion of the day in <#{b.sb.general.id}>, next <t:")
        assert lines[3] == "**Cooldowns:** `/joke` 30 seconds, `/mood` off per member (none for moderators)"
        assert lines[4] == "**Suggestions:** closed"


async def test_about_says_what_banter_is_its_version_and_its_site(tmp_path: Path) -> None:
    async with banter(tmp_path) as b:
        about = await use(b, b.sb.alice, "about")
        assert about.ephemeral and about.embed is not None and about.embed["title"] == "About Banter"
        assert "jokes" in about.embed["description"]
        assert fields(about)["Version"] == version() != ""
        assert "Web site" not in fields(about) and "url" not in about.embed
    extra = "web:\n  enabled: false\n  public_url: https://banter.example.org/\n"
    (tmp_path / "site").mkdir()
    async with banter(tmp_path / "site", config_extra=extra) as b:
        about = await use(b, b.sb.alice, "about")
        assert fields(about)["Web site"] == "https://banter.example.org"
