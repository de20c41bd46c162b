"""A member's "not my mood" teaches their server's reader at once, and only theirs; a moderator
sees the corrections in /content moods and clears them, and the reading is back."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.harness import banter
from tests.e2e.seen import shipped_joke

PHRASE = "my plant finally grew a new leaf"
READ_AS = re.compile(r"as (?:maybe )?\*\*([a-z-]+)\*\*")


def reading(text: str) -> str:
    """The mood a /mood answer says it read (sure or not)."""
    found = READ_AS.search(text)
    assert found is not None, f"the answer names no mood: {text!r}"
    return found.group(1)


async def test_a_correction_teaches_this_server_only_and_a_moderator_clears_it(tmp_path: Path) -> None:
    async with banter(tmp_path, channels=("general", "mod-log")) as b:
        carol = await b.moderator("carol")
        assert (await carol.run("settings modlog", channel=b.channel("mod-log"))).content == "Saved."
        other = await b.add_server("Other server")
        olga = await b.join("olga", server=other)

        first = await b.alice.run("mood", feeling=PHRASE)
        before = reading(first.content)
        chosen = "lonely" if before != "lonely" else "bored"
        wrong = next(btn for btn in first.buttons if (btn.custom_id or "").startswith("mood:wrong:"))
        assert wrong.label == "Not my mood" and wrong.style == 2
        asked = await b.alice.click(first, wrong.name)
        assert asked.updated
        assert f"mood:fix:{before}:{chosen}" in first.message.custom_ids
        fixed = await b.alice.click(first, chosen)
        (joke,) = await fixed.followups(1)
        assert chosen in first.content
        assert chosen in shipped_joke(joke.embed).moods

        # The same words now read as the chosen mood here, sure, with no question...
        again = await b.bob.run("mood", feeling=PHRASE)
        assert f"as **{chosen}**" in again.content and "Did you mean" not in again.content
        # ...and as before in another server.
        elsewhere = await olga.run("mood", feeling=PHRASE)
        assert reading(elsewhere.content) == before

        # A moderator sees them (Discord keeps /content from others) and clears them.
        listed = await carol.run("content moods")
        assert listed.ephemeral
        assert PHRASE in listed.content and f"{before} → **{chosen}**" in listed.content
        assert b.alice.mention in listed.content
        (number,) = re.findall(r"`#(\d+)`", listed.content)
        cleared = await carol.run("content moods", clear=number)
        assert cleared.content.startswith("Cleared 1 mood correction")
        post = await b.posted(b.channel("mod-log"), "mood correction")
        assert carol.mention in post.embed.description
        back = await b.bob.run("mood", feeling=PHRASE)
        assert back.content == elsewhere.content
        assert (await carol.run("content moods")).content == "No mood corrections in this server."
