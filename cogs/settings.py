"""/settings: the server's safe mode, blocked categories and flags, moderator role, suggestions,
report threshold, mod-log channel and public page. Every change is recorded and posted to the mod-log."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.bot import BanterBot
from bot.errors import Command
from bot.models import Filters, GuildSettings
from bot.services.cooldowns import Limited
from bot.services.moderation import SettingsChange
from cogs.checks import actor_of, is_moderator
from cogs.i18n import Messages, tr
from cogs.moderation_ui import FlagName, flags_text, post_modlog


def cooldown_text(t: Messages, own: int | None, default: int) -> str:
    return t("settings.cooldown_default", time=t.duration(default)) if own is None else t.duration(own)


def settings_embed(t: Messages, settings: GuildSettings, default_threshold: int,
                   default_cooldowns: Mapping[Limited, int] | None = None) -> discord.Embed:
    embed = discord.Embed(title=t("settings.title"), colour=discord.Colour.light_grey())
    embed.add_field(name=t("settings.safe_mode"), value=t("settings.safe_on" if settings.safe_mode
                                                          else "settings.safe_off"), inline=False)
    embed.add_field(name=t("settings.blocked_categories"),
                    value=", ".join(settings.blocked_categories) or t("moderation.none"), inline=True)
    embed.add_field(name=t("settings.blocked_flags"), value=flags_text(settings.blocked_flags, t), inline=True)
    embed.add_field(name=t("settings.languages"), value=", ".join(settings.languages), inline=True)
    role = f"<@&{settings.moderator_role_id}>" if settings.moderator_role_id else t("settings.no_role")
    embed.add_field(name=t("settings.moderator_role"), value=role, inline=False)
    embed.add_field(name=t("settings.suggestions"), value=t("action.on" if settings.suggestions_enabled
                                                            else "action.off"), inline=True)
    threshold = settings.report_threshold or t("settings.default", count=default_threshold)
    embed.add_field(name=t("settings.threshold"), value=str(threshold), inline=True)
    modlog = f"<#{settings.modlog_channel_id}>" if settings.modlog_channel_id else t("moderation.none")
    embed.add_field(name=t("settings.modlog"), value=modlog, inline=True)
    if default_cooldowns is not None:
        embed.add_field(name=t("settings.cooldowns"), inline=False, value=t(
            "settings.cooldowns_value", joke=t.markup(Command("joke")), mood=t.markup(Command("mood")),
            joke_time=cooldown_text(t, settings.joke_cooldown, default_cooldowns["joke"]),
            mood_time=cooldown_text(t, settings.mood_cooldown, default_cooldowns["mood"])))
    embed.add_field(name=t("settings.public_page"), value=t("settings.public_on" if settings.public_page
                                                            else "action.off"), inline=False)
    return embed


@app_commands.guild_only()
@app_commands.default_permissions(manage_guild=True)
class Settings(commands.GroupCog, group_name="settings"):
    """This server's settings for Banter."""

    def __init__(self, bot: BanterBot) -> None:
        self.bot = bot
        self.core = bot.core
        super().__init__()

    async def _reply(self, interaction: discord.Interaction, change: SettingsChange, note: str = "") -> None:
        assert interaction.guild_id is not None
        t = tr(interaction)
        text = t("settings.saved" if change.record is not None else "settings.unchanged")
        await interaction.response.send_message(
            f"{text}{note}", embed=settings_embed(t, change.settings, self.core.moderation.access.hide_after,
                                                   self.core.cooldowns.defaults),
            ephemeral=True,
        )
        await post_modlog(self.bot, interaction.guild_id, change.record)

    async def _change(self, interaction: discord.Interaction, note: str = "", **changes: object) -> None:
        assert interaction.guild_id is not None
        change = await self.core.moderation.settings.change(interaction.guild_id, actor_of(interaction), **changes)
        await self._reply(interaction, change, note)

    @app_commands.command()
    @is_moderator()
    async def show(self, interaction: discord.Interaction) -> None:
        """Show this server's settings."""
        assert interaction.guild_id is not None
        settings = await self.core.moderation.settings.get(interaction.guild_id, actor_of(interaction))
        await interaction.response.send_message(
            embed=settings_embed(tr(interaction), settings, self.core.moderation.access.hide_after,
                                 self.core.cooldowns.defaults), ephemeral=True
        )

    @app_commands.command(name="safe-mode")
    @app_commands.describe(enabled="On: nothing flagged (nsfw, dark, …) is ever shown")
    @is_moderator()
    async def safe_mode(self, interaction: discord.Interaction, enabled: bool) -> None:
        """Turn safe mode on or off."""
        await self._change(interaction, safe_mode=enabled)

    @app_commands.command()
    @app_commands.describe(enabled="Whether members may use /suggest")
    @is_moderator()
    async def suggestions(self, interaction: discord.Interaction, enabled: bool) -> None:
        """Let members suggest content, or not."""
        await self._change(interaction, suggestions_enabled=enabled)

    @app_commands.command(name="report-threshold")
    @app_commands.describe(count="Reports from different members that hide an item (leave out for the default)")
    @is_moderator()
    async def report_threshold(self, interaction: discord.Interaction,
                               count: app_commands.Range[int, 1, 100] | None = None) -> None:
        """How many reports hide an item until a moderator decides."""
        await self._change(interaction, report_threshold=count)

    @app_commands.command(name="moderator-role")
    @app_commands.describe(role="Members with this role moderate Banter (leave out to clear)")
    @is_moderator()
    async def moderator_role(self, interaction: discord.Interaction, role: discord.Role | None = None) -> None:
        """Set the role whose members may moderate (needs Manage Server)."""
        await self._change(interaction, moderator_role_id=role.id if role else None)

    @app_commands.command()
    @app_commands.describe(channel="Where moderation actions are posted (leave out to stop posting)")
    @is_moderator()
    async def modlog(self, interaction: discord.Interaction, channel: discord.TextChannel | None = None) -> None:
        """Set the mod-log channel, where every moderation action is posted."""
        note = ""
        if channel is not None and interaction.guild is not None:
            cached = interaction.guild.get_channel(channel.id)
            me = interaction.guild.me
            if isinstance(cached, discord.TextChannel) and me is not None:
                perms = cached.permissions_for(me)
                if not (perms.view_channel and perms.send_messages and perms.embed_links):
                    note = "\n" + tr(interaction)("settings.modlog_cannot_post", channel=cached.mention)
        await self._change(interaction, note, modlog_channel_id=channel.id if channel else None)

    @app_commands.command(name="public-page")
    @app_commands.describe(enabled="On: this server's own jokes and topics get a page of their own on the web site")
    @is_moderator()
    async def public_page(self, interaction: discord.Interaction, enabled: bool) -> None:
        """Show this server's own content on the web site, at the server's own address."""
        assert interaction.guild_id is not None
        site = self.core.config.web.public_url
        note = ""
        if enabled:
            t = tr(interaction)
            path = f"/servers/{interaction.guild_id}"
            where = f"{site}{path}" if site else t("settings.on_the_site", path=path)
            note = "\n" + t("settings.public_where", where=where)
        await self._change(interaction, note, public_page=enabled)

    @app_commands.command()
    @app_commands.describe(name="The category", blocked="Whether its items are kept out of this server")
    @is_moderator()
    async def category(self, interaction: discord.Interaction, name: app_commands.Range[str, 1, 64],
                       blocked: bool) -> None:
        """Block or unblock a category in this server."""
        assert interaction.guild_id is not None
        change = await self.core.moderation.settings.set_category_blocked(interaction.guild_id, actor_of(interaction),
                                                                 name, blocked)
        await self._reply(interaction, change)

    @category.autocomplete("name")
    async def category_autocomplete(self, interaction: discord.Interaction,
                                    current: str) -> list[app_commands.Choice[str]]:
        if interaction.guild_id is None:
            return []
        current = current.strip().lower()
        names: dict[str, int] = {}
        for kind in ("joke", "discussion"):
            every = Filters(kind=kind, guild_id=interaction.guild_id or 0, excluded_flags=0, blocked_tags=())
            for name, count in await self.core.picks.categories(every):
                names[name] = names.get(name, 0) + count
        return [app_commands.Choice(name=f"{name} ({count})", value=name)
                for name, count in sorted(names.items()) if current in name][:25]

    @app_commands.command()
    @app_commands.describe(codes="Language codes picks draw from, such as en or en, de")
    @is_moderator()
    async def languages(self, interaction: discord.Interaction, codes: app_commands.Range[str, 1, 100]) -> None:
        """Choose which languages this server's jokes and topics come in."""
        assert interaction.guild_id is not None
        known = {entry.language for entry in self.core.packs.entries()}
        change = await self.core.moderation.settings.set_languages(interaction.guild_id, actor_of(interaction),
                                                                   codes, known)
        await self._reply(interaction, change)

    @app_commands.command()
    @app_commands.describe(command="The command to slow down",
                           seconds="Seconds a member waits between two uses (0: none; leave out for the default)")
    @is_moderator()
    async def cooldown(self, interaction: discord.Interaction, command: Literal["joke", "mood"],
                       seconds: app_commands.Range[int, 0, 3600] | None = None) -> None:
        """How long a member waits between two /joke or two /mood (moderators never wait)."""
        key = "joke_cooldown" if command == "joke" else "mood_cooldown"
        change = await self.core.moderation.settings.change(interaction.guild_id or 0, actor_of(interaction),
                                                            **{key: seconds})
        await self._reply(interaction, change)

    @app_commands.command()
    @app_commands.describe(name="The content flag", blocked="Whether items with it are kept out (with safe mode off)")
    @is_moderator()
    async def flag(self, interaction: discord.Interaction, name: FlagName, blocked: bool) -> None:
        """Block or unblock a content flag (safe mode on blocks them all)."""
        assert interaction.guild_id is not None
        change = await self.core.moderation.settings.set_flag_blocked(interaction.guild_id, actor_of(interaction), name,
                                                             blocked)
        await self._reply(interaction, change)


async def setup(bot: BanterBot) -> None:
    await bot.add_cog(Settings(bot))
