"""Moderators change the server's settings; every change is recorded with the values before and after."""

from __future__ import annotations

from collections.abc import Iterable

from msgspec import Struct

from bot.errors import Code, Codes, UserError
from bot.models import FLAGS, GuildSettings
from bot.records import ActionRecord, AuditEntry
from bot.services.moderation.access import Access, Actor
from bot.services.moderation.audit import acting
from bot.services.packs import SLUG

THRESHOLD_MAX = 100
CATEGORY_MAX = 50  # blocked categories per server
MODERATION_SETTINGS = frozenset({"safe_mode", "moderator_role_id", "suggestions_enabled", "report_threshold",
                                 "modlog_channel_id", "blocked_categories", "blocked_flags", "languages",
                                 "joke_cooldown", "mood_cooldown", "public_page"})
COOLDOWN_MAX = 3600  # seconds


class SettingsChange(Struct, frozen=True):
    settings: GuildSettings
    record: ActionRecord | None  # None when nothing changed


def _setting_value(value: object) -> object:
    """A setting as JSON data: sets and sequences as sorted lists."""
    if isinstance(value, frozenset | set | tuple | list):
        return sorted(value)
    return value


class Settings:
    def __init__(self, access: Access) -> None:
        self.access = access
        self.storage = access.storage

    async def get(self, guild_id: int, actor: Actor) -> GuildSettings:
        await self.access.require_moderator(guild_id, actor)
        return await self.storage.settings.get(guild_id)

    async def modlog_channel(self, guild_id: int) -> int | None:
        """Where the server's moderation actions are posted, if anywhere (for the bot itself)."""
        return (await self.storage.settings.get(guild_id)).modlog_channel_id

    async def change(self, guild_id: int, actor: Actor, **changes: object) -> SettingsChange:
        """Change server settings; the change is recorded with the values before and after."""
        await self.access.require_moderator(guild_id, actor)
        if "moderator_role_id" in changes and not actor.manage_guild:
            raise UserError("Only members with the Manage Server permission can change the moderator role.")
        unknown = set(changes) - MODERATION_SETTINGS
        if unknown:
            raise ValueError(f"not a moderation setting: {sorted(unknown)}")
        threshold = changes.get("report_threshold")
        if threshold is not None and not (isinstance(threshold, int) and 1 <= threshold <= THRESHOLD_MAX):
            raise UserError("The report threshold must be between 1 and {most}.", most=THRESHOLD_MAX)
        for key in ("joke_cooldown", "mood_cooldown"):
            seconds = changes.get(key)
            if seconds is not None and not (isinstance(seconds, int) and 0 <= seconds <= COOLDOWN_MAX):
                raise UserError("A cooldown is from 0 to {most} seconds.", most=COOLDOWN_MAX)
        current = await self.storage.settings.get(guild_id)
        before = {k: _setting_value(getattr(current, k)) for k in changes}
        after = {k: _setting_value(v) for k, v in changes.items()}
        if before == after:
            return SettingsChange(current, None)
        async with acting(self.access, guild_id, actor) as act:
            await act.tx.settings.apply(guild_id, **changes)
            # The default threshold goes with the record, so it reads right after the config changes.
            record = await act.record(AuditEntry(action="settings", target="settings", before=before, after=after,
                                                 details={"default_threshold": self.access.hide_after}))
        return SettingsChange(await self.storage.settings.get(guild_id), record)

    async def set_category_blocked(self, guild_id: int, actor: Actor, category: str, blocked: bool) -> SettingsChange:
        await self.access.require_moderator(guild_id, actor)
        name = "-".join(category.strip().lower().split())
        if not SLUG.match(name):
            raise UserError("A category is a name of lowercase letters, digits and dashes, such as {example}.",
                            example=Code("puns"))
        current = await self.storage.settings.get(guild_id)
        names = set(current.blocked_categories)
        names = names | {name} if blocked else names - {name}
        if len(names) > CATEGORY_MAX:
            raise UserError("At most {most} categories can be blocked.", most=CATEGORY_MAX)
        return await self.change(guild_id, actor, blocked_categories=tuple(sorted(names)))

    async def set_languages(self, guild_id: int, actor: Actor, codes: str, known: Iterable[str]) -> SettingsChange:
        """Choose the languages picks draw from, as codes separated by commas or spaces ("en, de").
        Only languages the library has content in are taken, so a typo cannot empty the picks."""
        await self.access.require_moderator(guild_id, actor)
        wanted = sorted({code.strip().lower() for code in codes.replace(",", " ").split() if code.strip()})
        available = sorted(set(known))
        unknown = [code for code in wanted if code not in available]
        if not wanted or unknown:
            raise UserError("Give one or more of the languages there is content in: {available}. "
                            "Nothing was changed.", available=Codes(tuple(available)))
        return await self.change(guild_id, actor, languages=tuple(wanted))

    async def set_flag_blocked(self, guild_id: int, actor: Actor, flag: str, blocked: bool) -> SettingsChange:
        if flag not in FLAGS:
            raise UserError("There is no flag called {flag}; the flags are {flags}.", flag=repr(flag[:30]),
                            flags=", ".join(FLAGS))
        current = await self.get(guild_id, actor)
        flags = current.blocked_flags | {flag} if blocked else current.blocked_flags - {flag}
        return await self.change(guild_id, actor, blocked_flags=frozenset(flags))
