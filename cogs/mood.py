"""/mood: say how you feel, in your own words, and get something that suits it.

What the member typed and the mood read stay between them and the bot (ephemeral); only the
joke is public. An unsure reading, no reading and another language all end in buttons, never
a dead end; a message about crisis gets a kind reply and no joke.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any

import discord
from discord import app_commands
from discord.ext import commands
from msgspec.structs import replace

from bot.bot import BanterBot
from bot.errors import Command, UserError
from bot.models import Mood
from bot.services.mood import MoodReading, Verdict
from bot.services.mood.rules import CRISIS_REPLY, OTHER_LANGUAGE_REPLY
from cogs.checks import take_cooldown
from cogs.i18n import Messages, english, tr
from cogs.ui import core_of, guarded, item_message

log = logging.getLogger(__name__)

# How much of the member's words the reply quotes back: all of it (a /mood feeling is at most
# 200 characters), since a "not my mood" reads the text back from the reply it is on.
QUOTED = 200
QUOTE = re.compile(r"“(.*)”", re.DOTALL)


def pick_id(mood: str, gentle: bool) -> str:
    return f"mood:pick:{mood}:{'g' if gentle else 'n'}"


def fix_id(read_as: str, mood: str) -> str:
    return f"mood:fix:{read_as}:{mood}"


def pick_button(mood: Mood, gentle: bool, t: Messages, primary: bool = False) -> discord.ui.Button[Any]:
    """A mood to pick, by its name in the reader's language; a click reaches MoodPickButton, after a
    restart too. ``gentle`` travels in the custom_id: a pick offered for a text that may be gentle
    stays gentle."""
    return discord.ui.Button(
        style=discord.ButtonStyle.primary if primary else discord.ButtonStyle.secondary,
        label=t.mood_name(mood.name),
        emoji=mood.emoji or None,
        custom_id=pick_id(mood.name, gentle),
    )


def offer_view(moods: list[Mood], gentle: bool, t: Messages) -> discord.ui.View:
    """Buttons for ``moods``, likeliest first; like item_view it only lays them out, and is sent stopped."""
    view = discord.ui.View(timeout=None)
    for n, mood in enumerate(moods):
        view.add_item(pick_button(mood, gentle or mood.gentle, t, primary=n == 0))
    view.stop()
    return view


class MoodPickButton(discord.ui.DynamicItem[discord.ui.Button],
                     template=r"mood:pick:(?P<mood>[a-z][a-z0-9_-]{0,31}):(?P<gentle>[gn])"):
    """A click on one of the moods a reading offered: the pick for that mood follows."""

    def __init__(self, mood: str, gentle: bool) -> None:
        self.mood = mood
        self.gentle = gentle
        super().__init__(discord.ui.Button(label=mood, custom_id=pick_id(mood, gentle)))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> MoodPickButton:
        return cls(match["mood"], match["gentle"] == "g")

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._pick(interaction))

    async def _pick(self, interaction: discord.Interaction) -> None:
        if interaction.guild_id is None or interaction.channel_id is None:
            raise UserError("Moods work in servers only.")
        mood = core_of(interaction).moods.get(self.mood)
        if mood is None:
            raise UserError("That mood is not offered any more; try {command} again.", command=Command("mood"))
        t = tr(interaction)
        await interaction.response.edit_message(
            content=t("mood.picked", mood=t.mood_name(mood.name), emoji=mood.emoji).replace(" .", "."), view=None)
        await send_public_pick(interaction, mood, self.gentle or mood.gentle)


def wrong_button(read_as: str, t: Messages) -> discord.ui.Button[Any]:
    """The quiet "not my mood" on a reading; a click reaches NotMyMoodButton, after a restart too."""
    return discord.ui.Button(style=discord.ButtonStyle.secondary, label=t("mood.not_my_mood"),
                             custom_id=f"mood:wrong:{read_as}")


def said_in(message: discord.Message | None) -> str:
    """What the member wrote, read back from the quote in the reply (markdown escapes undone)."""
    match = QUOTE.search(message.content if message is not None else "")
    return re.sub(r"\\(.)", r"\1", match[1]) if match else ""


class NotMyMoodButton(discord.ui.DynamicItem[discord.ui.Button],
                      template=r"mood:wrong:(?P<read>[a-z][a-z0-9_-]{0,31})"):
    """"Not my mood": the reply offers every mood to choose the right one."""

    def __init__(self, read_as: str) -> None:
        self.read_as = read_as
        super().__init__(wrong_button(read_as, english()))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> NotMyMoodButton:
        return cls(match["read"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._offer(interaction))

    async def _offer(self, interaction: discord.Interaction) -> None:
        t = tr(interaction)
        view = discord.ui.View(timeout=None)
        for mood in core_of(interaction).moods.moods.values():
            if mood.name != self.read_as:
                view.add_item(discord.ui.Button(style=discord.ButtonStyle.secondary, label=t.mood_name(mood.name),
                                                emoji=mood.emoji or None,
                                                custom_id=fix_id(self.read_as, mood.name)))
        view.stop()
        content = interaction.message.content if interaction.message is not None else ""
        await interaction.response.edit_message(content=content + "\n" + t("mood.which"), view=view)


class FixMoodButton(discord.ui.DynamicItem[discord.ui.Button],
                    template=r"mood:fix:(?P<read>[a-z][a-z0-9_-]{0,31}):(?P<mood>[a-z][a-z0-9_-]{0,31})"):
    """The right mood, chosen after "not my mood": stored for this server, which learns it now."""

    def __init__(self, read_as: str, mood: str) -> None:
        self.read_as = read_as
        self.mood = mood
        super().__init__(discord.ui.Button(label=mood, custom_id=fix_id(read_as, mood)))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> FixMoodButton:
        return cls(match["read"], match["mood"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._fix(interaction))

    async def _fix(self, interaction: discord.Interaction) -> None:
        if interaction.guild_id is None or interaction.channel_id is None:
            raise UserError("Moods work in servers only.")
        core = core_of(interaction)
        text = said_in(interaction.message)
        correction = await core.mood_corrections.correct(interaction.guild_id, interaction.user.id, text,
                                                         self.read_as, self.mood)
        mood = core.moods.get(correction.chosen)
        assert mood is not None
        t = tr(interaction)
        await interaction.response.edit_message(
            content=t("mood.corrected", said=quoted(text), mood=t.mood_name(mood.name),
                      emoji=mood.emoji).replace(" .", "."), view=None)
        read = core.moods.get(self.read_as)
        await send_public_pick(interaction, mood, mood.gentle or (read is not None and read.gentle))


async def send_public_pick(interaction: discord.Interaction, mood: Mood, gentle: bool) -> None:
    """The joke for ``mood``, for the channel to see, after an ephemeral answer to the member;
    counted as shown once it was sent."""
    assert interaction.guild_id is not None and interaction.channel_id is not None
    core = core_of(interaction)
    # A gentle reading picks gently whichever mood won: the filters take gentleness from the mood.
    f = await core.picks.filters("joke", interaction.guild_id, mood=replace(mood, gentle=gentle))
    item = await core.picks.pick(f, scope_id=interaction.channel_id)
    kwargs = await item_message(core, item, interaction.guild_id, mood.name, t=tr(interaction))
    await interaction.followup.send(**kwargs)
    core.picks.shown(item, scope_id=interaction.channel_id, guild_id=interaction.guild_id)


def quoted(text: str) -> str:
    text = " ".join(text.split())
    short = text if len(text) <= QUOTED else text[: QUOTED - 1] + "…"
    return "“" + discord.utils.escape_markdown(short) + "”"


def answer(t: Messages, reading: MoodReading, feeling: str, all_moods: list[Mood]) -> tuple[str, list[Mood]]:
    """What the member is told (only them), in their language, and the moods offered as buttons."""
    said = quoted(feeling)
    if reading.verdict is Verdict.CRISIS:
        return t.sentence(CRISIS_REPLY), []
    if reading.verdict is Verdict.OTHER_LANGUAGE:
        return t.sentence(OTHER_LANGUAGE_REPLY), all_moods
    mood = reading.mood
    if mood is None:
        offers = list(reading.offers) + [m for m in all_moods if m not in reading.offers]
        return t("mood.unclear", said=said), offers
    if not reading.sure:
        return t("mood.maybe", said=said, mood=t.mood_name(mood.name), emoji=mood.emoji), list(reading.offers)
    because = because_text(t, reading)
    return t("mood.read", said=said, mood=t.mood_name(mood.name), emoji=mood.emoji,
             because=f" ({because})" if because else ""), []


def because_text(t: Messages, reading: MoodReading) -> str:
    """A short reason for the member, in their language: the words that decided it."""
    decisive, phrased = reading.reason()
    if decisive:
        words = [t("mood.because.as", written=repr(c.written), text=repr(c.text)) if c.written else repr(c.text)
                 for c in decisive]
        return t("mood.because.words", words=", ".join(words))
    return t("mood.because.phrasing") if phrased else ""


def suggested(t: Messages, moods: list[Mood], prefix: str) -> list[Mood]:
    """Moods for autocomplete, by the words the member sees: those whose name (in their language or
    English) or description has the text, names starting with it first."""
    prefix = prefix.strip().casefold()
    shown = sorted(((t.mood_name(m.name).casefold(), m) for m in moods),
                   key=lambda pair: (not pair[0].startswith(prefix), pair[0]))
    return [m for name, m in shown
            if prefix in name or prefix in m.name or prefix in t.mood_description(m.name, m.description).casefold()]


class MoodCog(commands.Cog, name="Mood"):
    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot
        self.core = bot.core

    async def cog_load(self) -> None:
        self.bot.add_dynamic_items(MoodPickButton, NotMyMoodButton, FixMoodButton)
        self.warming = asyncio.create_task(self._warm(), name="mood-reader-warm-up")

    async def cog_unload(self) -> None:
        self.warming.cancel()
        self.bot.remove_dynamic_items(MoodPickButton, NotMyMoodButton, FixMoodButton)

    async def _warm(self) -> None:
        """Train the mood reader once the bot is in its servers. Core leaves it untrained so that
        the bot connects sooner (bench/guilds.py); it is trained on a thread of its own, so that
        interactions go on being answered meanwhile (0.1 s from its file, 0.4 s without). A /mood
        that comes first trains it itself."""
        await self.bot.wait_until_ready()
        try:
            await asyncio.to_thread(self.core.moods.warm)
        except Exception:  # the first /mood tries again, and says what went wrong
            log.exception("training the mood reader failed")

    @app_commands.command()
    @app_commands.guild_only()
    @app_commands.describe(feeling="How you feel: pick a mood or say it your way (\"ugh, exams tomorrow\")")
    async def mood(self, interaction: discord.Interaction, feeling: app_commands.Range[str, 1, 200]) -> None:
        """Tell me how you feel and I will pick a joke to suit it."""
        assert interaction.guild_id is not None and interaction.channel_id is not None
        reader = await self.core.mood_corrections.reader_for(interaction.guild_id)
        t = tr(interaction)
        # A mood typed by its name in the member's language is that mood (the reader reads English).
        named = {t.mood_name(m.name).casefold(): m.name for m in self.core.moods.moods.values()}
        reading = reader.read(named.get(feeling.strip().casefold(), feeling))
        if reading.verdict is not Verdict.CRISIS:  # someone in crisis is never told to wait
            await take_cooldown(interaction, "mood")
        text, offers = answer(t, reading, feeling, list(self.core.moods.moods.values()))
        if offers:
            view = offer_view(offers, reading.gentle, t)
            # Another language is not read at all (and its reply does not quote the text), so
            # there is nothing to correct there: every mood is offered anyway.
            if reading.verdict is not Verdict.OTHER_LANGUAGE:
                view.add_item(wrong_button(reading.label, t))
            await interaction.response.send_message(text, ephemeral=True, view=view)
            return
        if reading.verdict is Verdict.CRISIS:
            await interaction.response.send_message(text, ephemeral=True)
            return
        quiet = discord.ui.View(timeout=None)
        quiet.add_item(wrong_button(reading.label, t))
        quiet.stop()
        await interaction.response.send_message(text, ephemeral=True, view=quiet)
        if reading.mood is not None:
            await send_public_pick(interaction, reading.mood, reading.gentle or reading.mood.gentle)

    @mood.autocomplete("feeling")
    async def feeling_autocomplete(self, interaction: discord.Interaction,
                                   current: str) -> list[app_commands.Choice[str]]:
        t = tr(interaction)
        choices: list[app_commands.Choice[str]] = []
        text = current.strip()
        if text and self.core.moods.get(text) is None:
            reading = self.core.moods.read(text)
            if reading.mood is not None:
                suffix = f" → {t.mood_name(reading.mood.name)}{'' if reading.sure else '?'}"
                label = text[: 100 - len(suffix)] + suffix
                choices.append(app_commands.Choice(name=label, value=text[:100]))
        for mood in suggested(t, list(self.core.moods.moods.values()), "" if choices else text):
            choices.append(app_commands.Choice(name=f"{mood.emoji} {t.mood_name(mood.name)}: "
                                                    f"{t.mood_description(mood.name, mood.description)}"[:100],
                                               value=mood.name))
        return choices[:25]


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(MoodCog(bot))
