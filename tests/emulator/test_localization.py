"""Localized command names: checked as Discord checks them, shown to a user in their client's
language, typed in it, and sent to the bot under the command's own name."""

from __future__ import annotations

import discord
import pytest

from discord_emulator.driver import Sandbox
from tests.emulator.barebot import BareBot

JOKE = {
    "name": "joke", "description": "Tell a joke", "type": 1,
    "name_localizations": {"de": "witz"}, "description_localizations": {"de": "Erzählt einen Witz"},
    "options": [{"type": 3, "name": "category", "description": "Kind of joke",
                 "name_localizations": {"de": "kategorie"}, "description_localizations": {"de": "Art des Witzes"}}],
}


@pytest.mark.spec_violations_expected
async def test_localizations_are_checked_like_discord_does(sb: Sandbox, bot: BareBot) -> None:
    assert bot.application_id is not None
    for bad in ({"de": "Witz"}, {"xx": "witz"}, {"de": "zwei wörter"}, {"de": ""}):
        with pytest.raises(discord.HTTPException) as refused:
            await bot.http.bulk_upsert_global_commands(bot.application_id, [{**JOKE, "name_localizations": bad}])
        assert refused.value.code == 50035, bad
    long = {**JOKE, "description_localizations": {"de": "x" * 101}}
    with pytest.raises(discord.HTTPException):
        await bot.http.bulk_upsert_global_commands(bot.application_id, [long])
    # The spec says the same of the empty name and the long description (it has no pattern for names).
    assert [v for v in sb.emu.spec_violations if "localizations" in v] == [
        v for v in sb.emu.spec_violations if "should be non-empty" in v or "is too long" in v]
    assert len(sb.emu.spec_violations) == 2


async def test_a_german_client_shows_types_and_sends_the_default_names(sb: Sandbox, bot: BareBot) -> None:
    assert bot.application_id is not None
    await bot.http.bulk_upsert_global_commands(bot.application_id, [JOKE])
    greta = sb.emu.add_member(sb.guild, "greta", locale="de")
    assert sb.emu.command_picker(greta, sb.general) == [("witz", "Erzählt einen Witz")]
    assert sb.emu.command_picker(sb.alice, sb.general) == [("joke", "Tell a joke")]
    ix = await sb.emu.slash(greta, sb.general, "witz", kategorie="pun")
    assert ix.payload["locale"] == "de"
    assert ix.payload["data"]["name"] == "joke" and ix.payload["data"]["options"][0]["name"] == "category"
    with pytest.raises(Exception, match="unknown command /joke"):
        await sb.emu.slash(greta, sb.general, "joke")


async def test_a_server_language_reaches_the_bot(sb: Sandbox, bot: BareBot) -> None:
    sb.emu.set_preferred_locale(sb.guild, "de")
    guild = bot.get_guild(sb.guild.id)
    await sb.emu.wait_for(lambda: guild is not None and guild.preferred_locale is discord.Locale.german)
    assert guild is not None and guild.preferred_locale is discord.Locale.german
