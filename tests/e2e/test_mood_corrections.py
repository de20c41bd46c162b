"""A member's "not my mood" teaches their server's reader at once, and only theirs; a moderator
sees the corrections in /content moods and clears them, and the reading is back."""

from __future__ import annotations

from pathlib import Path

from discord_emulator import Permissions as P
from tests.e2e.harness import banter

PHRASE = "my plant finally grew a new leaf"


async def test_a_correction_teaches_this_server_only_and_a_moderator_clears_it(tmp_path: Path) -> None:
    async with banter(tmp_path) as b:
        emu, sb = b.emu, b.sb
        carol = emu.add_member(sb.guild, "carol", roles=[emu.add_role(sb.guild, "Admins", int(P.MANAGE_GUILD))])
        other = emu.add_guild("Other server")
        other_general = emu.add_text_channel(other, "general")
        olga = emu.add_member(other, "olga")
        await emu.wait_for(lambda: b.bot.get_guild(other.id) is not None)

        before = b.core.moods.read(PHRASE).label
        chosen = "lonely" if before != "lonely" else "bored"
        ix = await emu.slash(sb.alice, sb.general, "mood", feeling=PHRASE)
        reading = await ix.original_message()
        wrong = next(btn for btn in reading.buttons() if btn["custom_id"].startswith("mood:wrong:"))
        assert wrong["label"] == "Not my mood" and wrong["style"] == 2
        asked = await emu.click(sb.alice, reading, custom_id=wrong["custom_id"])
        assert (await asked.response()).type == 7
        choices = emu.get_message(reading)
        assert any(btn["custom_id"] == f"mood:fix:{before}:{chosen}" for btn in choices.buttons())
        fixed = await emu.click(sb.alice, choices, label=chosen)
        (joke,) = await fixed.wait_followups(1)
        assert chosen in emu.get_message(reading).content
        assert chosen in (await b.core.storage.items.get(int(joke.embed["footer"]["text"].split("#")[1].split()[0])
                                                         )).moods

        # The same words now read as the chosen mood here, sure, with no question...
        again = await (await emu.slash(sb.bob, sb.general, "mood", feeling=PHRASE)).original_message()
        assert f"as **{chosen}**" in again.content and "Did you mean" not in again.content
        # ...and as before in another server.
        elsewhere = await (await emu.slash(olga, other_general, "mood", feeling=PHRASE)).original_message()
        assert f"as **{chosen}**" not in elsewhere.content

        # A moderator sees them (Discord keeps /content from others) and clears them.
        listed = await (await emu.slash(carol, sb.general, "content moods")).original_message()
        assert PHRASE in listed.content and f"{before} → **{chosen}**" in listed.content
        assert f"<@{sb.alice.id}>" in listed.content
        (row,) = await b.core.storage.mood_corrections.for_guild(sb.guild.id)
        cleared = await (await emu.slash(carol, sb.general, "content moods", clear=str(row.id))).original_message()
        assert cleared.content.startswith("Cleared 1 mood correction")
        (action,) = await b.core.storage.audit.actions(sb.guild.id, target="mood-corrections")
        assert action.actor_id == carol.id and action.entry.details["count"] == 1
        back = await (await emu.slash(sb.bob, sb.general, "mood", feeling=PHRASE)).original_message()
        assert back.content == elsewhere.content

