"""A deliberately small discord.py bot used to exercise the emulator (not Banter itself).

It has one slash command with options, choices and autocomplete, a command group, a persistent
DynamicItem button, a modal (TextInput inside a Label plus a legacy one), and a handful of
commands whose only purpose is to provoke the emulator's realism checks.  Errors the bot sees
from Discord are collected in ``bot.errors`` so tests can assert on them.
"""

from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

log = logging.getLogger(__name__)

MOODS = ["ugh exhausted", "ugh extra tired", "happy", "grumpy", "excited"]


class VoteButton(discord.ui.DynamicItem[discord.ui.Button[Any]], template=r"vote:(?P<kind>up|down):(?P<count>\d+)"):
    """Persistent: the state lives in the custom_id, so it works after a restart."""

    def __init__(self, kind: str, count: int) -> None:
        emoji = "👍" if kind == "up" else "👎"
        super().__init__(
            discord.ui.Button(
                label=f"{emoji} {count}",
                style=discord.ButtonStyle.secondary,
                custom_id=f"vote:{kind}:{count}",
            )
        )
        self.kind = kind
        self.count = count

    @classmethod
    async def from_custom_id(
        cls, interaction: discord.Interaction, item: discord.ui.Item[Any], match: re.Match[str], /
    ) -> VoteButton:
        return cls(match["kind"], int(match["count"]))

    async def callback(self, interaction: discord.Interaction) -> None:
        view = discord.ui.View(timeout=None)
        view.add_item(VoteButton(self.kind, self.count + 1))
        other = "down" if self.kind == "up" else "up"
        view.add_item(VoteButton(other, 0))
        await interaction.response.edit_message(view=view)


class ReportModal(discord.ui.Modal, title="Report a joke"):
    reason: discord.ui.Label[Any] = discord.ui.Label(
        text="Reason",
        description="What is wrong with it?",
        component=discord.ui.TextInput(custom_id="reason", min_length=3, max_length=50),
    )
    details: discord.ui.TextInput[Any] = discord.ui.TextInput(
        label="Details", custom_id="details", style=discord.TextStyle.paragraph, required=False
    )

    def __init__(self, bot: BareBot) -> None:
        super().__init__(custom_id="report-modal")
        self.bot = bot

    async def on_submit(self, interaction: discord.Interaction) -> None:
        assert isinstance(self.reason.component, discord.ui.TextInput)
        reason = self.reason.component.value
        self.bot.reports.append((reason, self.details.value))
        await interaction.response.send_message(f"Reported: {reason}", ephemeral=True)


class BareBot(commands.Bot):
    def __init__(self, *, guild_id: int | None = None, sync: bool = True) -> None:
        intents = discord.Intents.default()
        super().__init__(command_prefix="!", intents=intents, guild_ready_timeout=0.01)
        self.sync_guild_id = guild_id
        self.do_sync = sync
        self.errors: list[discord.HTTPException] = []
        self.reports: list[tuple[str, str]] = []
        self.gate = asyncio.Event()
        self.error_seen = asyncio.Event()
        self.sent: list[discord.Message] = []

    async def setup_hook(self) -> None:
        self.add_dynamic_items(VoteButton)
        add_commands(self)
        if self.do_sync:
            if self.sync_guild_id is not None:
                guild = discord.Object(self.sync_guild_id)
                self.tree.copy_global_to(guild=guild)
                await self.tree.sync(guild=guild)
            else:
                await self.tree.sync()

    def record(self, exc: discord.HTTPException) -> None:
        self.errors.append(exc)
        self.error_seen.set()


def vote_view() -> discord.ui.View:
    view = discord.ui.View(timeout=None)
    view.add_item(VoteButton("up", 0))
    view.add_item(VoteButton("down", 0))
    return view


def add_commands(bot: BareBot) -> None:
    tree = bot.tree

    @tree.command(description="Tell a joke")
    @app_commands.describe(category="Kind of joke", count="How many")
    async def joke(
        interaction: discord.Interaction,
        category: Literal["pun", "dad", "tech"],
        count: app_commands.Range[int, 1, 3] = 1,
        target: discord.Member | None = None,
    ) -> None:
        who = f" for {target.name}" if target else ""
        await interaction.response.send_message(f"A {category} joke x{count}{who}", view=vote_view())

    async def mood_complete(interaction: discord.Interaction, current: str) -> list[app_commands.Choice[str]]:
        return [app_commands.Choice(name=m, value=m) for m in MOODS if m.startswith(current)][:25]

    @tree.command(description="Pick by mood")
    @app_commands.autocomplete(feeling=mood_complete)
    async def mood(interaction: discord.Interaction, feeling: str, loud: bool = False) -> None:
        embed = discord.Embed(title="Mood", description=feeling)
        embed.add_field(name="loud", value=str(loud))
        embed.set_footer(text="bare bot")
        await interaction.response.send_message(embed=embed)

    discussion = app_commands.Group(name="discussion", description="Discussion of the day")

    @discussion.command(description="Today's topic")
    async def today(interaction: discord.Interaction) -> None:
        await interaction.response.defer(thinking=True)
        await interaction.edit_original_response(content="Today's topic: tabs vs spaces")

    @discussion.command(description="A thread for today")
    async def thread(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("Discuss below")
        message = await interaction.original_response()
        await message.create_thread(name="today")

    tree.add_command(discussion)

    @tree.command(description="Ephemeral answer")
    async def secret(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("only you", ephemeral=True)

    @tree.command(description="Answer then follow up")
    async def more(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("first")
        await interaction.followup.send("second")
        await interaction.followup.send("psst", ephemeral=True)

    @tree.command(description="Defer, then follow up")
    async def slowfollow(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True, thinking=True)
        await interaction.followup.send("done thinking", ephemeral=True)

    @tree.command(description="Open the report modal")
    async def report(interaction: discord.Interaction) -> None:
        await interaction.response.send_modal(ReportModal(bot))

    @tree.command(description="Answers twice")
    async def twice(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("once")
        try:
            # Bypass discord.py's own "already responded" guard to hit the API twice.
            interaction.response._response_type = None
            await interaction.response.send_message("twice")
        except discord.HTTPException as exc:
            bot.record(exc)

    @tree.command(description="Waits for the test before answering")
    async def late(interaction: discord.Interaction) -> None:
        await bot.gate.wait()
        try:
            await interaction.response.send_message("finally")
        except discord.HTTPException as exc:
            bot.record(exc)

    @tree.command(description="Answers, waits for the test, then follows up")
    async def afterwards(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("now")
        await bot.gate.wait()
        try:
            await interaction.followup.send("later")
        except discord.HTTPException as exc:
            bot.record(exc)

    @tree.command(description="Edits a followup and deletes the original")
    async def tidy(interaction: discord.Interaction) -> None:
        await interaction.response.send_message("temporary")
        note = await interaction.followup.send("note", wait=True)
        await note.edit(content="note (edited)")
        fetched = await interaction.followup.fetch_message(note.id)
        await interaction.followup.send(f"fetched: {fetched.content}")
        await interaction.delete_original_response()

    @tree.command(description="Sends something too long")
    async def long(interaction: discord.Interaction) -> None:
        try:
            await interaction.response.send_message("x" * 2001)
        except discord.HTTPException as exc:
            bot.record(exc)
            await interaction.response.send_message("too long, sorry")

    @tree.command(description="Posts to the channel with a nonce, twice")
    async def post(interaction: discord.Interaction, text: str) -> None:
        await interaction.response.defer(ephemeral=True)
        assert isinstance(interaction.channel, discord.abc.Messageable)
        try:
            first = await interaction.channel.send(text, nonce="fixed-nonce")
            second = await interaction.channel.send(text, nonce="fixed-nonce")
            bot.sent += [first, second]
        except discord.HTTPException as exc:
            bot.record(exc)
        await interaction.edit_original_response(content="posted")

    @tree.command(description="DM the caller")
    async def dm(interaction: discord.Interaction) -> None:
        await interaction.response.defer(ephemeral=True)
        try:
            await interaction.user.send("hello in private")
            await interaction.edit_original_response(content="sent")
        except discord.Forbidden as exc:
            bot.record(exc)
            await interaction.edit_original_response(content="your DMs are closed")
