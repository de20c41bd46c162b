"""The rough edges a first try-out hit, end to end through the emulator: refused forms that keep
what was typed, /content show saying whether an item shows here and why not, categories in
/review and near-duplicate checks, counts in replies, and the numbering of suggestions and reports."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from discord_emulator import Channel, EmulatedInteraction, Member, Message
from discord_emulator import Permissions as P
from tests.e2e.harness import Banter, banter


@dataclass
class World:
    b: Banter
    general: Channel
    alice: Member  # no rights
    bob: Member  # no rights
    carol: Member  # Manage Server

    async def slash(self, who: Member, command: str, **options: Any) -> EmulatedInteraction:
        return await self.b.emu.slash(who, self.general, command, **options)

    async def reply(self, who: Member, command: str, **options: Any) -> Message:
        return await (await self.slash(who, command, **options)).original_message()

    async def submit(self, who: Member, opened_by: EmulatedInteraction, values: dict[str, str]) -> Message:
        submitted = await self.b.emu.submit_modal(who, opened_by, values)
        return await submitted.original_message()

    async def click(self, who: Member, message: Message, label: str) -> EmulatedInteraction:
        ix = await self.b.emu.click(who, message, label=label)
        await ix.response()
        return ix


@pytest.fixture
async def w(tmp_path: Path) -> AsyncIterator[World]:
    async with banter(tmp_path) as b:
        admins = b.emu.add_role(b.sb.guild, "Admins", int(P.MANAGE_GUILD))
        carol = b.emu.add_member(b.sb.guild, "carol", roles=[admins])
        await b.emu.wait_for(lambda: b.bot.get_guild(b.sb.guild.id).get_role(admins.id) is not None)
        yield World(b, b.sb.general, b.sb.alice, b.sb.bob, carol)


# --- a refused form keeps what was typed -----------------------------------------------------------

async def test_a_refused_suggestion_reopens_filled_in_with_what_was_typed(w: World) -> None:
    typed = {"joke": "Why do owls never tell secrets?", "punchline": "See https://example.com",
             "categories": "animals"}
    refused = await w.submit(w.alice, await w.slash(w.alice, "suggest joke"), typed)
    assert refused.ephemeral and "Punchline: links are not allowed" in refused.content
    assert [b["label"] for b in refused.buttons()] == ["Edit what I typed"]
    reopened = await w.click(w.alice, refused, "Edit what I typed")
    modal = (await reopened.response()).modal
    assert modal is not None and modal.title == "Suggest a joke"
    assert {key: modal.field(key).value for key in typed} == typed
    assert modal.field("flags").value is None
    # Put right and sent from the reopened form, it is an ordinary suggestion.
    receipt = await w.submit(w.alice, reopened, {"punchline": "Because it is a hoot to keep them."})
    assert "Your suggestion is **#" in receipt.content
    case = await w.b.core.storage.moderation.next_pending(w.b.sb.guild.id)
    assert case is not None and case.proposal is not None
    assert case.proposal.body.searchable().startswith("Why do owls never tell secrets?")


async def test_a_refused_moderator_form_reopens_until_it_expires(w: World) -> None:
    refused = await w.submit(w.carol, await w.slash(w.carol, "content add", kind="joke"),
                             {"joke": "Hi @everyone", "categories": "puns"})
    assert "@everyone and @here are not allowed" in refused.content
    reopened = await w.click(w.carol, refused, "Edit what I typed")
    modal = (await reopened.response()).modal
    assert modal is not None and modal.field("joke").value == "Hi @everyone"
    await w.b.clock.advance(timedelta(minutes=31))
    expired = await w.click(w.carol, refused, "Edit what I typed")
    answer = await expired.original_message()
    assert answer.ephemeral and "That form has expired" in answer.content
    assert (await expired.response()).modal is None
