"""What the moderation features share in Discord: content forms, reason forms, the mod-log and
telling members about decisions. Not an extension itself."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

import discord

from bot.clock import parse_iso
from bot.errors import UserError
from bot.models import JOKE_PART_MAX, LIST_TEXT_MAX, QUESTION_MAX, TITLE_MAX, ContentEntry, Item, Kind
from bot.records import ActionRecord
from bot.services.moderation import REASON_MAX
from cogs.i18n import Messages, english, tr_guild
from cogs.render import action_text
from cogs.ui import guarded, item_embed

if TYPE_CHECKING:
    from bot.bot import BanterBot

log = logging.getLogger(__name__)

# The content flags as a command option; a test keeps it in step with bot.models.FLAGS.
FlagName = Literal["nsfw", "dark", "religious", "political", "offensive", "explicit"]

MODLOG_COLOUR = discord.Colour(0x5865F2)
FORM_TIMEOUT = 30 * 60  # an abandoned form is forgotten after half an hour


@dataclass(frozen=True)
class FieldSpec:
    """One input of a form; its label (at most 45 characters) and placeholder (at most 100) are
    ``form.<kind>.<key>.label`` and ``.placeholder`` in the catalog."""

    key: str
    paragraph: bool
    max_length: int
    required: bool = True

    def label(self, t: Messages, kind: str) -> str:
        return t(f"form.{kind}.{self.key}.label")

    def placeholder(self, t: Messages, kind: str) -> str:
        return t(f"form.{kind}.{self.key}.placeholder")


# Five inputs at most per form (Discord); the keys are the service's form keys.
FORMS: dict[str, tuple[FieldSpec, ...]] = {
    "joke": (
        FieldSpec("joke", True, JOKE_PART_MAX),
        FieldSpec("punchline", True, JOKE_PART_MAX, required=False),
        FieldSpec("categories", False, 200, required=False),
        FieldSpec("flags", False, 100, required=False),
    ),
    "discussion": (
        FieldSpec("title", False, TITLE_MAX),
        FieldSpec("question", True, QUESTION_MAX),
        FieldSpec("benefits", True, LIST_TEXT_MAX),
        FieldSpec("disadvantages", True, LIST_TEXT_MAX),
        FieldSpec("talking_points", True, 4000),
    ),
}

FormHandler = Callable[[discord.Interaction, dict[str, str]], Awaitable[None]]


class FormModal(discord.ui.Modal):
    """A content form (joke or discussion), empty or prefilled; ``on_done`` gets the fields by key."""

    def __init__(self, *, kind: Kind, title: str, custom_id: str, on_done: FormHandler,
                 prefill: Mapping[str, str] | None = None, t: Messages | None = None) -> None:
        t = t or english()
        super().__init__(title=title[:45], custom_id=custom_id, timeout=FORM_TIMEOUT)
        self._on_done = on_done
        self.inputs: dict[str, discord.ui.TextInput[FormModal]] = {}
        prefill = prefill or {}
        for spec in FORMS[kind]:
            default = prefill.get(spec.key) or None
            if default is not None and len(default) > spec.max_length:
                raise UserError("{field} is longer than a form can hold ({count} characters), so it cannot be "
                                "edited here.", field=spec.label(t, kind), count=len(default))
            field: discord.ui.TextInput[FormModal] = discord.ui.TextInput(
                label=spec.label(t, kind), custom_id=spec.key, required=spec.required, max_length=spec.max_length,
                style=discord.TextStyle.paragraph if spec.paragraph else discord.TextStyle.short,
                placeholder=spec.placeholder(t, kind), default=default,
            )
            self.add_item(field)
            self.inputs[spec.key] = field

    async def on_submit(self, interaction: discord.Interaction) -> None:
        values = {key: field.value for key, field in self.inputs.items()}
        await guarded(interaction, lambda: self._on_done(interaction, values))


class ReasonModal(discord.ui.Modal):
    """One reason, for a report, a rejection or a removal."""

    def __init__(self, *, title: str, label: str, custom_id: str, on_done: Callable[[discord.Interaction, str],
                 Awaitable[None]], placeholder: str | None = None) -> None:
        super().__init__(title=title[:45], custom_id=custom_id, timeout=FORM_TIMEOUT)
        self._on_done = on_done
        self.reason: discord.ui.TextInput[ReasonModal] = discord.ui.TextInput(
            label=label[:45], custom_id="reason", style=discord.TextStyle.paragraph, min_length=3,
            max_length=REASON_MAX, placeholder=placeholder,
        )
        self.add_item(self.reason)

    async def on_submit(self, interaction: discord.Interaction) -> None:
        value = self.reason.value
        await guarded(interaction, lambda: self._on_done(interaction, value))


def entry_embed(entry: ContentEntry, footer: str, t: Messages | None = None) -> discord.Embed:
    """A proposed entry as it would look once stored (the footer says what it is)."""
    preview = Item(
        id=0, kind=entry.kind, key=entry.key, guild_id=None, origin="", status="active", body=entry.body,
        categories=entry.categories, moods=entry.moods, flags=entry.flags, language=entry.language,
        credit=entry.credit, up=0, down=0,
    )
    embed = item_embed(preview, t=t)
    embed.set_footer(text=footer)
    return embed


def flags_text(flags: Sequence[str] | frozenset[str], t: Messages | None = None) -> str:
    return ", ".join(sorted(flags)) or (t or english())("moderation.none")


def hidden_text(reason: str | None, t: Messages | None = None) -> str:
    """Whether an item shows in this server, from why it is hidden here (None: it is not)."""
    return (t or english())(f"moderation.hidden.{reason if reason in ('reports', 'moderator') else 'showing'}")


# --- the mod-log ---------------------------------------------------------------------------------

def modlog_embed(record: ActionRecord, t: Messages | None = None) -> discord.Embed:
    t = t or english()
    who = f"<@{record.actor_id}>" if record.actor_id is not None else t("modlog.automatic")
    embed = discord.Embed(description=f"{who} {action_text(record, t)}"[:4000], colour=MODLOG_COLOUR,
                          timestamp=parse_iso(record.created_at))
    if record.reason:
        embed.add_field(name=t("modlog.reason"), value=record.reason[:1024], inline=False)
    embed.set_footer(text=t("modlog.footer", id=record.id, action=record.action, target=record.target))
    return embed


async def post_modlog(bot: BanterBot, guild_id: int, *records: ActionRecord | None) -> None:
    """Post actions to the server's mod-log channel, if it has one. Never raises: the action is done
    and recorded whatever happens to the post."""
    shown = [r for r in records if r is not None]
    if not shown:
        return
    try:
        channel_id = await bot.core.moderation.settings.modlog_channel(guild_id)
        if channel_id is None:
            return
        channel = bot.get_channel(channel_id)
        if channel is None:
            channel = await bot.fetch_channel(channel_id)
        if not isinstance(channel, discord.abc.Messageable):
            log.warning("mod-log channel %s of guild %s cannot take messages", channel_id, guild_id)
            return
        t = tr_guild(bot.get_guild(guild_id))  # the mod-log speaks the server's language
        for start in range(0, len(shown), 10):
            await channel.send(embeds=[modlog_embed(r, t) for r in shown[start:start + 10]])
    except discord.HTTPException as exc:
        log.warning("could not post to the mod-log of guild %s: %s", guild_id, exc)
    except Exception:
        log.exception("posting to the mod-log of guild %s failed", guild_id)


async def tell_member(bot: BanterBot, user_id: int, text: str) -> bool:
    """Send a member a direct message; False (and nothing else) if they do not take DMs."""
    try:
        user = bot.get_user(user_id) or await bot.fetch_user(user_id)
        await user.send(text)
    except discord.HTTPException as exc:
        log.info("could not tell user %s about a decision: %s", user_id, exc)
        return False
    return True
