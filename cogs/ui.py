"""How items look in Discord, and the buttons every item carries.

Shared by the feature cogs; not an extension itself.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import discord

from bot.bot import BanterBot
from bot.errors import UserError
from bot.models import DiscussionBody, Item, JokeBody, VoteTally
from bot.wording import bullet_block
from cogs.i18n import Messages, english, tr

if TYPE_CHECKING:
    from bot.core import Core

log = logging.getLogger(__name__)

JOKE_COLOUR = discord.Colour(0xF4B400)
DISCUSSION_COLOUR = discord.Colour(0x4285F4)


def core_of(interaction: discord.Interaction) -> Core:
    """The core of the bot an interaction reached (every client here is a BanterBot)."""
    bot = interaction.client
    assert isinstance(bot, BanterBot), bot
    return bot.core


async def reply_error(interaction: discord.Interaction, message: str,
                      view: discord.ui.View = discord.utils.MISSING) -> None:
    """Tell only the person who acted what went wrong, whatever state the interaction is in
    (``view``: buttons that help put it right)."""
    try:
        if interaction.response.is_done():
            await interaction.followup.send(message, ephemeral=True, view=view)
        else:
            await interaction.response.send_message(message, ephemeral=True, view=view)
    except discord.HTTPException:
        log.warning("could not deliver an error message for interaction %s", interaction.id)


async def guarded(interaction: discord.Interaction, action: Callable[[], Awaitable[None]], *,
                  reraise: type[UserError] | None = None) -> None:
    """Run a component callback: user mistakes are shown, anything else is logged and apologised for.

    Component callbacks do not reach the command tree's error handler, hence this wrapper.
    ``reraise``: mistakes of that type are left to the caller, which answers them itself.
    """
    try:
        await action()
    except UserError as exc:
        if reraise is not None and isinstance(exc, reraise):
            raise
        await reply_error(interaction, tr(interaction).error(exc))
    except Exception:
        log.exception("component %s failed", interaction.data.get("custom_id") if interaction.data else None)
        await reply_error(interaction, tr(interaction)("error.apology"))


def item_label(t: Messages, item: Item) -> str:
    """ "Joke #3", "Witz #3": how the footer names an item (the daily post looks for it there)."""
    return t(f"item.label.{item.kind}", id=item.id)


def footer(item: Item, t: Messages | None = None) -> str:
    t = t or english()
    parts = [item_label(t, item)]
    if item.categories:
        parts.append(", ".join(item.categories[:3]))
    if item.credit:
        parts.append(t("item.credit", credit=item.credit))
    return " · ".join(parts)


def item_embed(item: Item, url: str | None = None, t: Messages | None = None) -> discord.Embed:
    """How an item looks in a message; ``url`` (its page on the public site) makes the embed a link."""
    if isinstance(item.body, JokeBody):
        joke = item.body
        if joke.two_part:
            # The punchline is a spoiler: each reader reveals it when they are ready.
            description = f"{joke.setup}\n\n||{joke.punchline}||"
        else:
            description = joke.text or ""
        embed = discord.Embed(description=description, colour=JOKE_COLOUR)
    else:
        topic: DiscussionBody = item.body
        embed = discord.Embed(title=f"💬 {topic.title}", description=f"**{topic.question}**",
                              colour=DISCUSSION_COLOUR)
        t = t or english()
        embed.add_field(name=t("item.benefits"), value=bullet_block(topic.benefits), inline=False)
        embed.add_field(name=t("item.disadvantages"), value=bullet_block(topic.disadvantages), inline=False)
        for number, point in enumerate(topic.talking_points, 1):
            embed.add_field(name=f"{number}. {point.heading}", value=point.text, inline=False)
    embed.set_footer(text=footer(item, t))
    embed.url = url
    return embed


def vote_id(item_id: int, up: bool, mood: str | None = None) -> str:
    """The custom_id of 👍 or 👎 on an item: ``vote:<item>:<up|down>``, and ``:<mood>`` on an item
    picked for a mood (its votes count for that mood)."""
    return f"vote:{item_id}:{'up' if up else 'down'}" + (f":{mood}" if mood else "")


class VoteButton(discord.ui.DynamicItem[discord.ui.Button],
                 template=r"vote:(?P<item>[0-9]{1,19}):(?P<way>up|down)(?::(?P<mood>[a-z][a-z0-9_-]{0,31}))?"):
    """A click on 👍 or 👎. The custom_id carries the item (and the mood it was picked for, on
    messages sent since votes count per mood), so clicks work after a restart, on old messages too."""

    def __init__(self, button: discord.ui.Button[Any], item_id: int, up: bool, mood: str | None = None) -> None:
        self.item_id = item_id
        self.up = up
        self.mood = mood
        super().__init__(button)

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> VoteButton:
        assert isinstance(item, discord.ui.Button)
        return cls(item, int(match["item"]), match["way"] == "up", mood=match["mood"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._vote(interaction))

    async def _vote(self, interaction: discord.Interaction) -> None:
        if interaction.guild_id is None:
            raise UserError("Votes count in servers only.")
        core = core_of(interaction)
        # A mood no longer known (a mood pack changed) still counts the vote, without the mood.
        mood = self.mood if self.mood is not None and core.moods.get(self.mood) is not None else None
        message = interaction.message
        bot = interaction.client
        assert isinstance(bot, BanterBot)
        # Clicks on one message commit side by side, but redraw it one at a time; a click that met
        # others reads the counts afresh in its turn. Two redraws could otherwise reach Discord in
        # either order and leave the message showing the older count.
        async with bot.vote_turns.ticket(message.id if message is not None else self.item_id) as ticket:
            # The vote is committed before the click is answered.
            outcome = await core.votes.click(
                item_id=self.item_id, guild_id=interaction.guild_id, user_id=interaction.user.id, up=self.up,
                mood=mood,
            )
            async with ticket.turn():
                tally = await core.votes.tally(self.item_id, interaction.guild_id) if ticket.shared else outcome.tally
                # Everyone reads the same message: it keeps the language it was sent in, not the voter's.
                await interaction.response.edit_message(view=item_view(
                    self.item_id, tally, mood, report_label=_label(message, f"report:{self.item_id}"),
                    save_label=_label(message, f"save:{self.item_id}")))


def _label(message: discord.Message | None, custom_id: str) -> str | None:
    """A button's label on a message as it was sent (in the language it was sent in)."""
    for row in message.components if message is not None else []:
        for child in row.children if isinstance(row, discord.ActionRow) else []:
            if isinstance(child, discord.Button) and child.custom_id == custom_id:
                return child.label
    return None


def _button(emoji: str, label: str, custom_id: str) -> dict[str, Any]:
    """A grey button with an emoji, as Discord's JSON (what discord.ui.Button.to_component_dict writes)."""
    return {"type": 2, "style": discord.ButtonStyle.secondary.value, "disabled": False, "label": label,
            "custom_id": custom_id, "emoji": {"id": None, "name": emoji}}


class LaidOut(discord.ui.View):
    """A view that only lays buttons out, given as Discord's JSON, and is sent stopped: discord.py
    then keeps nothing of it. For the buttons every item message carries, built on every /joke and
    every vote click: four discord.ui.Button objects, each built, added, turned into this JSON and
    dropped, cost the most of the bot's own work on a /joke."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        super().__init__(timeout=None)
        self.rows = rows
        self.stop()

    def to_components(self) -> list[dict[str, Any]]:
        return self.rows


def item_view(item_id: int, tally: VoteTally, mood: str | None = None, *, t: Messages | None = None,
              report_label: str | None = None, save_label: str | None = None) -> discord.ui.View:
    """The buttons under an item: 👍 and 👎 with their counts, ⭐ Save, 🚩 Report. Their clicks are
    handled by the dynamic items registered for their custom_ids (VoteButton here, SaveButton in
    cogs/favorites.py, ReportButton in cogs/reports.py), on every message alike: one sent a moment
    ago or one from before a restart, which no view object stands behind. So this view only lays
    the buttons out (a view of DynamicItems works the same, but costs more to build, send and
    register: see the throughput notes in the README)."""
    t = t or english()
    return LaidOut([{"type": 1, "components": [
        _button("👍", str(tally.up), vote_id(item_id, True, mood)),
        _button("👎", str(tally.down), vote_id(item_id, False, mood)),
        _button("⭐", save_label or t("item.save"), f"save:{item_id}"),
        _button("🚩", report_label or t("item.report"), f"report:{item_id}"),
    ]}])


async def send_pick(interaction: discord.Interaction, item: Item, content: str | None = None) -> None:
    """Answer with a picked item, then count it as shown in the channel (only once it was sent)."""
    assert interaction.guild_id is not None and interaction.channel_id is not None
    core = core_of(interaction)
    kwargs = await item_message(core, item, interaction.guild_id, t=tr(interaction))
    await interaction.response.send_message(content, **kwargs)
    core.picks.shown(item, scope_id=interaction.channel_id, guild_id=interaction.guild_id)


async def item_message(core: Core, item: Item, guild_id: int, mood: str | None = None, *,
                       t: Messages | None = None) -> dict[str, Any]:
    """The keyword arguments that send an item, in ``t``'s language: its embed and its buttons with this
    server's counts (carrying ``mood`` when it was picked for one, so the votes count for that mood)."""
    tally = item.tally if item.tally is not None else await core.votes.tally(item.id, guild_id)
    return {"embed": item_embed(item, core.catalog.page_url(item), t), "view": item_view(item.id, tally, mood, t=t)}
