"""What the moderation features share in Discord: content forms, reason forms, the mod-log and
telling members about decisions. Not an extension itself."""

from __future__ import annotations

import itertools
import logging
import re
import secrets
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping, Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any, Literal

import discord
from msgspec import Struct
from msgspec.structs import replace

from bot.clock import parse_iso
from bot.errors import Mention, UserError
from bot.models import JOKE_PART_MAX, LIST_TEXT_MAX, QUESTION_MAX, TITLE_MAX, ContentEntry, Item, Kind
from bot.records import ActionRecord
from bot.services.moderation import REASON_MAX, AlreadyDecided, EditConflict, NewCategories
from cogs.i18n import Messages, english, tr, tr_guild
from cogs.render import action_text, error_text
from cogs.ui import core_of, guarded, item_embed, reply_error

if TYPE_CHECKING:
    from bot.bot import BanterBot

log = logging.getLogger(__name__)

# The content flags as a command option; a test keeps it in step with bot.models.FLAGS.
FlagName = Literal["nsfw", "dark", "religious", "political", "offensive", "explicit"]

MODLOG_COLOUR = discord.Colour(0x5865F2)
FORM_TIMEOUT = 30 * 60  # an abandoned form is forgotten after half an hour


class FieldSpec(Struct, frozen=True):
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

# What a form's submission does: the interaction, the fields by key, and the new categories a
# moderator confirmed (none at first; see ConfirmCategoriesButton).
FormHandler = Callable[[discord.Interaction, dict[str, str], frozenset[str]], Awaitable[None]]
RETRY_KEPT = timedelta(seconds=FORM_TIMEOUT)  # what was typed into a refused form is kept this long
RETRY_MAX = 500  # refused forms kept at most, across every member (the oldest goes first)


class RefusedForm(Struct, frozen=True):
    """A form that was refused, kept so its member can open it again filled in with what they typed
    (or, for new categories, confirm them)."""

    user_id: int
    kind: Kind
    title: str
    custom_id: str
    on_done: FormHandler
    values: dict[str, str]
    refused_at: datetime
    new_categories: tuple[str, ...] = ()  # categories a moderator may confirm to send it as it is


# In memory only: a restart forgets them, and the buttons then say the form has expired.
REFUSED: OrderedDict[str, RefusedForm] = OrderedDict()


async def submit_form(interaction: discord.Interaction, form: RefusedForm, confirmed: frozenset[str]) -> None:
    """Run a form's handler. Refused for its input, the answer is the error with a button that opens
    the form again filled in (and one that confirms new categories, where a moderator may)."""
    try:
        await guarded(interaction, lambda: form.on_done(interaction, form.values, confirmed), reraise=UserError)
    except (AlreadyDecided, EditConflict) as exc:
        # Not the input's fault: the same form again would be refused again.
        await reply_error(interaction, error_text(exc, tr(interaction)))
    except UserError as exc:
        new = exc.names if isinstance(exc, NewCategories) and exc.confirmable else ()
        token = secrets.token_hex(8)
        REFUSED[token] = replace(form, refused_at=core_of(interaction).clock.now(), new_categories=new)
        while len(REFUSED) > RETRY_MAX:
            REFUSED.popitem(last=False)
        t = tr(interaction)
        view = discord.ui.View(timeout=None)
        if new:
            view.add_item(ConfirmCategoriesButton(token, new, t))
        view.add_item(RetryButton(token, t))
        view.stop()  # the dynamic items answer the clicks
        await reply_error(interaction, error_text(exc, t), view=view)


def kept_form(interaction: discord.Interaction, token: str) -> RefusedForm:
    """The refused form behind a button, for the member who filled it in, while it is kept."""
    kept = REFUSED.get(token)
    if kept is not None and core_of(interaction).clock.now() - kept.refused_at > RETRY_KEPT:
        del REFUSED[token]
        kept = None
    if kept is None:
        raise UserError("That form has expired, and what was typed in it is gone. Please start again.")
    if kept.user_id != interaction.user.id:
        raise UserError("Only the member who filled in that form can use this button.")
    return kept

# discord.py finds the open modal a submission belongs to by its custom_id alone, so two people with
# the same form open at once (two members suggesting, two moderators editing) would share one entry:
# the second to send theirs would be dropped. Each form opened gets a custom_id of its own.
_opened = itertools.count(1)


def own_custom_id(custom_id: str) -> str:
    return f"{custom_id}:{next(_opened)}"


class FormModal(discord.ui.Modal):
    """A content form (joke or discussion), empty or prefilled; ``on_done`` gets the fields by key.

    A submission refused for bad input is answered with the error and a button that opens the same
    form again, filled in with what was typed (:func:`submit_form`).
    """

    def __init__(self, *, kind: Kind, title: str, custom_id: str, on_done: FormHandler,
                 prefill: Mapping[str, str] | None = None, t: Messages | None = None) -> None:
        t = t or english()
        super().__init__(title=title[:45], custom_id=own_custom_id(custom_id), timeout=FORM_TIMEOUT)
        self._on_done = on_done
        self.kind = kind
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
        form = RefusedForm(interaction.user.id, self.kind, self.title, self.custom_id or "form", self._on_done,
                           values, core_of(interaction).clock.now())
        await submit_form(interaction, form, frozenset())


class RetryButton(discord.ui.DynamicItem[discord.ui.Button], template=r"form-retry:(?P<token>[0-9a-f]{16})"):
    """"Edit what I typed" under a refused form's error: opens the form again, filled in."""

    def __init__(self, token: str, t: Messages | None = None) -> None:
        self.token = token
        # Rebuilt from a click, the label is never shown: the message keeps the one it was sent with.
        super().__init__(discord.ui.Button(style=discord.ButtonStyle.primary, label=(t or english())("form.retry"),
                                           emoji="✏️", custom_id=f"form-retry:{token}"))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> RetryButton:
        return cls(match["token"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._reopen(interaction))

    async def _reopen(self, interaction: discord.Interaction) -> None:
        kept = kept_form(interaction, self.token)
        await interaction.response.send_modal(FormModal(kind=kept.kind, title=kept.title, custom_id=kept.custom_id,
                                                        on_done=kept.on_done, prefill=kept.values,
                                                        t=tr(interaction)))


class ConfirmCategoriesButton(discord.ui.DynamicItem[discord.ui.Button],
                              template=r"form-confirm:(?P<token>[0-9a-f]{16})"):
    """"Create …" under a moderator's form refused for categories the library does not have: sends
    the form again as it was, those categories confirmed."""

    def __init__(self, token: str, names: tuple[str, ...] = (), t: Messages | None = None) -> None:
        self.token = token
        t = t or english()
        label = (t("form.create", names=", ".join(names)) if names else t("form.create_new"))[:80]
        super().__init__(discord.ui.Button(style=discord.ButtonStyle.success, label=label, emoji="➕",
                                           custom_id=f"form-confirm:{token}"))

    @classmethod
    async def from_custom_id(cls, interaction: discord.Interaction, item: discord.ui.Item[Any],
                             match: re.Match[str], /) -> ConfirmCategoriesButton:
        return cls(match["token"])

    async def callback(self, interaction: discord.Interaction) -> None:
        await guarded(interaction, lambda: self._confirm(interaction))

    async def _confirm(self, interaction: discord.Interaction) -> None:
        kept = kept_form(interaction, self.token)
        if not kept.new_categories:
            raise UserError("There is nothing to confirm on that form.")
        del REFUSED[self.token]  # one confirmation per refusal: a second click would add it twice
        # The service checks the moderator's rights again, as on every action.
        await submit_form(interaction, kept, frozenset(kept.new_categories))


class ReasonModal(discord.ui.Modal):
    """One reason, for a report, a rejection or a removal."""

    def __init__(self, *, title: str, label: str, custom_id: str, on_done: Callable[[discord.Interaction, str],
                 Awaitable[None]], placeholder: str | None = None) -> None:
        super().__init__(title=title[:45], custom_id=own_custom_id(custom_id), timeout=FORM_TIMEOUT)
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
    who = t.markup(Mention("user", record.actor_id)) if record.actor_id is not None else t("modlog.automatic")
    who = who[:1].upper() + who[1:]
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
