"""⭐ Save and /favorites end to end: saving and unsaving with a private confirmation, pages, the
remove buttons, every button across a restart of the bot, and saves lifting an item in /top."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

from tests.e2e.harness import Answer, Person, Shown, banter


async def save(who: Person, item: Shown | Answer) -> Answer:
    """Click ⭐ Save on an item message; the private answer."""
    answer = await who.click(item, "⭐")
    assert answer.ephemeral
    return answer


async def favorites(who: Person, **options: int) -> Answer:
    answer = await who.run("favorites", **options)
    assert answer.ephemeral
    return answer


def listed(page: Shown | Answer) -> list[int]:
    """The item ids a favourites page lists, in order."""
    return [int(n) for n in re.findall(r"(?:joke|discussion) #(\d+)", page.embed.description)]


def ranked(top: Answer) -> list[int]:
    return [int(n) for n in re.findall(r"#(\d+) ·", top.embed.description)]


async def test_save_toggles_privately_and_lists_in_favorites(tmp_path: Path) -> None:
    async with banter(tmp_path) as b:
        joke = (await b.alice.run("joke")).message
        save_button = joke.buttons[2]
        assert (save_button.label, save_button.emoji) == ("Save", "⭐")
        before = joke.buttons
        saved = await save(b.alice, joke)
        assert saved.content.startswith(f"⭐ Saved joke #{joke.item_id} to your favourites")
        mine = await favorites(b.alice)
        assert listed(mine) == [joke.item_id]
        assert mine.embed.footer == "Page 1 of 1 · 1 item saved"
        # Another member's favourites are their own.
        theirs = await favorites(b.bob)
        assert theirs.content.startswith("You have not saved anything in this server yet")
        # The public message did not change: the confirmation was private.
        assert joke.buttons == before
        unsaved = await save(b.alice, joke)
        assert unsaved.content == f"Took joke #{joke.item_id} out of your favourites."
        assert (await favorites(b.alice)).content.startswith("You have not saved anything")


async def test_pages_and_remove_buttons_work_across_a_restart(tmp_path: Path) -> None:
    async with banter(tmp_path) as b:
        jokes = [(await b.alice.run("joke")).message for _ in range(7)]
        for joke in jokes:
            await save(b.alice, joke)
            await b.later(timedelta(seconds=1))
        page = (await favorites(b.alice)).message
        newest_first = [j.item_id for j in reversed(jokes)]
        assert listed(page) == newest_first[:5]
        assert page.embed.footer == "Page 1 of 2 · 7 items saved"
        assert [btn.label for btn in page.buttons[:5]] == [f"Remove #{n}" for n in newest_first[:5]]
        assert page.button("◀ Previous").disabled and not page.button("Next ▶").disabled
        too_far = await favorites(b.alice, page=3)
        assert too_far.content == "You have 7 favourites here, on 2 pages: ask for page 1 to 2."

        await b.restart()
        # Next on the private message sent before the restart.
        turned = await b.alice.click(page, "Next ▶")
        assert turned.updated and turned.message == page
        assert listed(page) == newest_first[5:]
        assert page.embed.footer == "Page 2 of 2 · 7 items saved"
        await b.alice.click(page, f"Remove #{newest_first[6]}")
        assert listed(page) == [newest_first[5]]
        assert page.embed.footer == "Page 2 of 2 · 6 items saved"
        # ⭐ on an item message from before the restart.
        again = await save(b.alice, jokes[-1])
        assert again.content == f"Took joke #{newest_first[0]} out of your favourites."
        assert listed(await favorites(b.alice)) == newest_first[1:6]
        # Five left, one page: removing from the old page 2 shows what is left, on page 1.
        await b.alice.click(page, f"Remove #{newest_first[5]}")
        assert listed(page) == newest_first[1:5]
        assert page.embed.footer == "Page 1 of 1 · 4 items saved"


async def test_a_save_lifts_an_item_in_top_like_half_a_vote(tmp_path: Path) -> None:
    async with banter(tmp_path, members=("alice", "bob", "carl")) as b:
        carl = b.person("carl")
        first, second = (await b.alice.run("joke")).message, (await b.alice.run("joke")).message
        for joke in (first, second):
            await b.bob.click(joke, "👍")
        await save(b.alice, second)
        top = await carl.run("top", kind="jokes")
        assert ranked(top)[:2] == [second.item_id, first.item_id]
        # The buttons still count votes alone.
        assert second.votes == (1, 0)
        # A saved item with no votes is ranked too, after the voted ones.
        third = (await b.alice.run("joke")).message
        await save(carl, third)
        top = await carl.run("top", kind="jokes")
        assert ranked(top) == [second.item_id, first.item_id, third.item_id]
