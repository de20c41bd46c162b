"""⭐ Save and /favorites end to end: saving and unsaving with a private confirmation, pages, the
remove buttons, every button across a restart of the bot, and saves lifting an item in /top."""

from __future__ import annotations

import re
from pathlib import Path

from bot.sandbox.app import run_banter
from discord_emulator import Member, Message
from tests.e2e.harness import Banter, banter, until_closed


def item_id(msg: Message) -> int:
    footer = msg.embed["footer"]["text"] if msg.embed else ""
    found = re.search(r"#(\d+)", footer)
    assert found is not None, footer
    return int(found.group(1))


async def post_joke(b: Banter, who: Member) -> Message:
    return await (await b.emu.slash(who, b.sb.general, "joke")).original_message()


async def save(b: Banter, who: Member, msg: Message) -> Message:
    """Click ⭐ Save on an item message; the private answer."""
    click = await b.emu.click(who, msg, custom_id=f"save:{item_id(msg)}")
    assert (await click.response()).ephemeral
    return await click.original_message()


async def favorites(b: Banter, who: Member, **options: int) -> Message:
    ix = await b.emu.slash(who, b.sb.general, "favorites", **options)
    assert (await ix.response()).ephemeral
    return await ix.original_message()


def listed(msg: Message) -> list[int]:
    """The item ids a favourites page lists, in order."""
    assert msg.embed is not None
    return [int(n) for n in re.findall(r"(?:joke|discussion) #(\d+)", msg.embed["description"])]


def button(msg: Message, label: str) -> dict[str, object]:
    return next(btn for btn in msg.buttons() if btn.get("label") == label)


async def test_save_toggles_privately_and_lists_in_favorites(tmp_path: Path) -> None:
    async with banter(tmp_path) as b:
        joke = await post_joke(b, b.sb.alice)
        labels = [btn.get("label") for btn in joke.buttons()]
        assert labels[2] == "Save" and joke.buttons()[2]["emoji"] == "⭐"
        saved = await save(b, b.sb.alice, joke)
        assert saved.content.startswith(f"⭐ Saved joke #{item_id(joke)} to your favourites")
        mine = await favorites(b, b.sb.alice)
        assert listed(mine) == [item_id(joke)]
        assert mine.embed is not None and mine.embed["footer"]["text"] == "Page 1 of 1 · 1 item saved"
        # Another member's favourites are their own.
        theirs = await favorites(b, b.sb.bob)
        assert theirs.content.startswith("You have not saved anything in this server yet")
        # The public message did not change: the confirmation was private.
        assert b.emu.get_message(joke.id).buttons() == joke.buttons()
        unsaved = await save(b, b.sb.alice, joke)
        assert unsaved.content == f"Took joke #{item_id(joke)} out of your favourites."
        assert (await favorites(b, b.sb.alice)).content.startswith("You have not saved anything")


async def test_pages_and_remove_buttons_work_across_a_restart(tmp_path: Path) -> None:
    async with banter(tmp_path) as b:
        jokes = [await post_joke(b, b.sb.alice) for _ in range(7)]
        for joke in jokes:
            await save(b, b.sb.alice, joke)
            await b.clock.advance(1)
        page = await favorites(b, b.sb.alice)
        newest_first = [item_id(j) for j in reversed(jokes)]
        assert listed(page) == newest_first[:5]
        assert page.embed is not None and page.embed["footer"]["text"] == "Page 1 of 2 · 7 items saved"
        assert [btn["label"] for btn in page.buttons()[:5]] == [f"Remove #{n}" for n in newest_first[:5]]
        assert button(page, "◀ Previous").get("disabled") and not button(page, "Next ▶").get("disabled")
        too_far = await favorites(b, b.sb.alice, page=3)
        assert too_far.content == "You have 7 favourites here, on 2 pages: ask for page 1 to 2."

        await b.bot.close()
        await until_closed(b.config.database_path)
        async with run_banter(b.emu, b.config, b.clock):
            # Next on the private message sent before the restart.
            turned = await b.emu.click(b.sb.alice, page, label="Next ▶")
            assert (await turned.response()).type == 7
            second = b.emu.get_message(page.id)
            assert listed(second) == newest_first[5:]
            assert second.embed is not None and second.embed["footer"]["text"] == "Page 2 of 2 · 7 items saved"
            removed = await b.emu.click(b.sb.alice, second, label=f"Remove #{newest_first[6]}")
            await removed.response()
            after = b.emu.get_message(page.id)
            assert listed(after) == [newest_first[5]]
            assert after.embed is not None and after.embed["footer"]["text"] == "Page 2 of 2 · 6 items saved"
            # ⭐ on an item message from before the restart.
            again = await save(b, b.sb.alice, jokes[-1])
            assert again.content == f"Took joke #{newest_first[0]} out of your favourites."
            assert listed(await favorites(b, b.sb.alice)) == newest_first[1:6]
            # Five left, one page: removing from the old page 2 shows what is left, on page 1.
            await (await b.emu.click(b.sb.alice, after, label=f"Remove #{newest_first[5]}")).response()
            last = b.emu.get_message(page.id)
            assert listed(last) == newest_first[1:5]
            assert last.embed is not None and last.embed["footer"]["text"] == "Page 1 of 1 · 4 items saved"


async def test_a_save_lifts_an_item_in_top_like_half_a_vote(tmp_path: Path) -> None:
    async with banter(tmp_path, members=("alice", "bob", "carl")) as b:
        first, second = await post_joke(b, b.sb.alice), await post_joke(b, b.sb.alice)
        for msg in (first, second):
            await (await b.emu.click(b.sb.bob, msg, emoji="👍")).response()
        await save(b, b.sb.alice, second)
        top = await (await b.emu.slash(b.sb.member("carl"), b.sb.general, "top", kind="jokes")).original_message()
        assert top.embed is not None
        ranked = [int(n) for n in re.findall(r"#(\d+) ·", top.embed["description"])]
        assert ranked[:2] == [item_id(second), item_id(first)]
        # The buttons still count votes alone.
        up = b.emu.get_message(second.id).buttons()[0]
        assert up["label"] == "1"
        # A saved item with no votes is ranked too, after the voted ones.
        third = await post_joke(b, b.sb.alice)
        await save(b, b.sb.member("carl"), third)
        top = await (await b.emu.slash(b.sb.member("carl"), b.sb.general, "top", kind="jokes")).original_message()
        assert top.embed is not None
        assert [int(n) for n in re.findall(r"#(\d+) ·", top.embed["description"])] == [
            item_id(second), item_id(first), item_id(third)]
