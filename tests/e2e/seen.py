"""What people see on Discord, for the end-to-end tests: a message with its embeds and buttons, the
bot's answer to something a person did, and a form (modal) the bot opened.

Every look reads the emulator again, so a message edited by a later click shows its new state.
Nothing here reads the bot or its database: only what Discord holds and shows.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from bot.models import ContentEntry, JokeBody, Kind
from bot.services.packs import BUILTIN_CONTENT, Library, load_library
from discord_emulator import Channel, DiscordEmulator, EmulatedInteraction, InteractionResponse, Message, ModalField
from discord_emulator.interactions import (
    DEFERRED_UPDATE_MESSAGE,
    MODAL,
    UPDATE_MESSAGE,
)

if TYPE_CHECKING:
    from tests.e2e.harness import Person

ITEM_NUMBER = re.compile(r"#(\d+)")


def timestamp(moment: datetime, style: str = "F") -> str:
    """A Discord timestamp as the bot writes it (each reader's client shows it in their own zone)."""
    return f"<t:{int(moment.timestamp())}:{style}>"


@dataclass(frozen=True)
class Button:
    label: str | None
    emoji: str | None
    custom_id: str | None
    style: int | None
    disabled: bool
    url: str | None

    @property
    def name(self) -> str:
        """What a person reads on it: its label, else its emoji."""
        return self.label or self.emoji or ""


@dataclass(frozen=True)
class Embed:
    raw: dict[str, Any]

    @property
    def title(self) -> str:
        return str(self.raw.get("title") or "")

    @property
    def description(self) -> str:
        return str(self.raw.get("description") or "")

    @property
    def footer(self) -> str:
        return str((self.raw.get("footer") or {}).get("text") or "")

    @property
    def url(self) -> str | None:
        url = self.raw.get("url")
        return None if url is None else str(url)

    @property
    def field_names(self) -> list[str]:
        return [str(f["name"]) for f in self.raw.get("fields") or []]

    @property
    def fields(self) -> dict[str, str]:
        """The fields' values by name."""
        return {str(f["name"]): str(f["value"]) for f in self.raw.get("fields") or []}

    @property
    def item_id(self) -> int:
        """The number of the joke or topic shown, as its footer gives it ("Joke #12 · pun")."""
        found = ITEM_NUMBER.search(self.footer)
        assert found is not None, f"the embed's footer names no item: {self.footer!r}"
        return int(found.group(1))

    @property
    def text(self) -> str:
        """Everything written in it, for checking what it must not say."""
        parts = [self.title, self.description, self.footer]
        for name, value in self.fields.items():
            parts += [name, value]
        return "\n".join(parts)


class Shown:
    """One message as people see it on Discord now."""

    def __init__(self, emu: DiscordEmulator, message: Message) -> None:
        self._emu = emu
        self.id = message.id

    @property
    def message(self) -> Message:
        """The emulator's record of the message, as it is now (after edits)."""
        return self._emu.get_message(self.id)

    @property
    def content(self) -> str:
        return self.message.text()

    @property
    def ephemeral(self) -> bool:
        """Shown only to the person it answered ("Only you can see this")."""
        return self.message.ephemeral

    @property
    def author_id(self) -> int:
        return self.message.author_id

    @property
    def embeds(self) -> list[Embed]:
        return [Embed(raw) for raw in self.message.embeds]

    @property
    def embed(self) -> Embed:
        """The first embed, which the test expects the message to have."""
        embeds = self.embeds
        assert embeds, f"the message has no embed; it says {self.content!r}"
        return embeds[0]

    @property
    def has_embed(self) -> bool:
        return bool(self.message.embeds)

    @property
    def item_id(self) -> int:
        """The number of the item the message shows (in its embed's footer)."""
        return self.embed.item_id

    @property
    def buttons(self) -> list[Button]:
        return [Button(b["label"], b["emoji"], b["custom_id"], b["style"], b["disabled"], b["url"])
                for b in self.message.buttons()]

    def button(self, name: str) -> Button:
        """A button by its label, emoji or custom_id."""
        for button in self.buttons:
            if name in (button.label, button.emoji, button.custom_id):
                return button
        raise AssertionError(f"no button {name!r} on the message (buttons: {[b.name for b in self.buttons]})")

    @property
    def custom_ids(self) -> list[str]:
        return [b.custom_id for b in self.buttons if b.custom_id]

    @property
    def votes(self) -> tuple[int, int]:
        """The counts on the 👍 and 👎 buttons."""
        counts = [b for b in self.buttons if (b.custom_id or "").startswith("vote:")]
        assert len(counts) == 2, f"expected 👍 and 👎 on the message, found {[b.name for b in self.buttons]}"
        up, down = counts
        return int(up.label or 0), int(down.label or 0)

    @property
    def thread(self) -> Channel | None:
        """The thread started from the message, if any."""
        return self.message.thread

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Shown) and other.id == self.id

    def __hash__(self) -> int:
        return hash(self.id)

    def __repr__(self) -> str:
        return f"<Shown {self.content[:40]!r} embeds={len(self.message.embeds)} id={self.id}>"


class Answer:
    """How the bot answered one thing a person did: a new message (maybe only for them), the clicked
    message changed in place, or a form to fill in."""

    def __init__(self, person: Person, ix: EmulatedInteraction, response: InteractionResponse | None,
                 message: Shown | None) -> None:
        self.person = person
        self.ix = ix
        self.response = response
        self._message = message

    @property
    def refused(self) -> bool:
        """Discord refused the bot's answer: the person saw "This interaction failed"."""
        return self.response is None

    @property
    def kind(self) -> str:
        """"message", "update message", "modal", "deferred message" or "deferred update"."""
        return "refused" if self.response is None else self.response.name

    @property
    def updated(self) -> bool:
        """The answer changed the message the person clicked on, rather than sending a new one."""
        return self.response is not None and self.response.type in (UPDATE_MESSAGE, DEFERRED_UPDATE_MESSAGE)

    @property
    def message(self) -> Shown:
        """The message the person sees as the answer: the new one, or the clicked one as it is now."""
        assert self._message is not None, f"the bot answered with {self.kind}, not a message"
        return self._message

    @property
    def content(self) -> str:
        return self.message.content

    @property
    def ephemeral(self) -> bool:
        return self.message.ephemeral

    @property
    def embed(self) -> Embed:
        return self.message.embed

    @property
    def embeds(self) -> list[Embed]:
        return self.message.embeds

    @property
    def buttons(self) -> list[Button]:
        return self.message.buttons

    @property
    def has_form(self) -> bool:
        return self.response is not None and self.response.type == MODAL

    @property
    def form(self) -> Form:
        """The form the bot opened, which the test expects."""
        assert self.response is not None and self.response.modal is not None, (
            f"the bot answered with {self.kind}, not a form"
            + (f": {self._message.content!r}" if self._message is not None else ""))
        return Form(self.person, self.ix, self.response.modal.title, self.response.modal.fields)

    async def followups(self, count: int = 1) -> list[Shown]:
        """The messages the bot sent after its first answer (waiting for ``count`` of them)."""
        messages = await self.ix.wait_followups(count)
        return [Shown(self.person.world.emu, m) for m in messages]

    @property
    def followups_so_far(self) -> list[Shown]:
        return [Shown(self.person.world.emu, m) for m in self.ix.followups]

    def __repr__(self) -> str:
        return f"<Answer {self.kind} to {self.ix.describe()}>"


@dataclass
class Form:
    """A form (modal) as the person it was shown to sees it."""

    person: Person
    opened_by: EmulatedInteraction
    title: str
    fields: list[ModalField]

    def field(self, key: str) -> ModalField:
        """A field by custom_id or label."""
        for f in self.fields:
            if key in (f.custom_id, f.label):
                return f
        raise AssertionError(f"the form {self.title!r} has no field {key!r} ({[f.custom_id for f in self.fields]})")

    @property
    def field_ids(self) -> list[str]:
        return [f.custom_id for f in self.fields]

    def value(self, key: str) -> str | None:
        """What the field holds when the form opens."""
        return self.field(key).value

    async def submit(self, values: dict[str, str]) -> Answer:
        """Fill in ``values`` (the rest as they were) and send. A form Discord's client would not
        send (a required field empty, a value too long) raises InvocationError, and nothing is sent."""
        return await self.person.submit(self, values)

    async def send(self, values: dict[str, str]) -> EmulatedInteraction:
        """Send the form without waiting for the bot's answer (for people acting at the same time)."""
        return await self.person.world.emu.submit_modal(self.person.member, self.opened_by, values)



@functools.cache
def shipped() -> Library:
    """The built-in packs as they are on disk: what the content says, beside what the bot shows."""
    return load_library([BUILTIN_CONTENT])


def shipped_entry(kind: Kind, key: str) -> ContentEntry:
    """A built-in pack's entry by its id."""
    for entry in shipped().entries():
        if (entry.kind, entry.key) == (kind, key):
            return entry
    raise AssertionError(f"no {kind} {key!r} in the built-in packs")


def joke_as_shown(entry: ContentEntry) -> str:
    """How a joke's text reads in its embed: a two-part joke's punchline behind a spoiler."""
    body = entry.body
    assert isinstance(body, JokeBody), f"{entry.key} is not a joke"
    return f"{body.setup}\n\n||{body.punchline}||" if body.two_part else body.text or ""


def shipped_joke(embed: Embed) -> ContentEntry:
    """The built-in joke an embed shows, found by its text."""
    for entry in shipped().entries():
        if entry.kind == "joke" and joke_as_shown(entry) == embed.description:
            return entry
    raise AssertionError(f"the joke shown is not in the built-in packs: {embed.description!r}")
