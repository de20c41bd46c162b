"""What the web edge asks of the bot: who a member is in a server, what the server holds, and
telling Discord about what moderators did on the site.

The site never decides on its own who moderates: at each visit it asks the bot (through the
:class:`BotSide` a cog attaches) for the member as the bot finds them in the server, their
Manage Server permission and their roles, and the moderation rule
(:meth:`~bot.services.moderation.access.Access.is_moderator`) decides on those. A login only
says who the visitor is. With no bot attached (``python -m bot web`` alone) nobody moderates
through the site, and :class:`BotAway` says so.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from msgspec import Struct

from bot.errors import UserError
from bot.records import ActionRecord
from bot.services.moderation.access import Access, Actor
from bot.services.moderation.review import Decision

log = logging.getLogger(__name__)


class BotAway(UserError):
    """The bot is not running beside the site, so nothing can be checked through it."""

    def __init__(self) -> None:
        super().__init__("The dashboard needs the bot: it checks who moderates each server through the bot, at "
                         "every visit. Start the site with the bot (python -m bot run), not alone.")


class Named(Struct, frozen=True):
    id: int
    name: str


class ServerView(Struct, frozen=True):
    """A server as the bot sees it: what a settings form offers to choose from."""

    id: int
    name: str
    channels: tuple[Named, ...] = ()  # text channels, in the server's order
    roles: tuple[Named, ...] = ()  # roles a member can have (not @everyone)

    def channel_name(self, channel_id: int | None) -> str | None:
        return next((c.name for c in self.channels if c.id == channel_id), None)

    def role_name(self, role_id: int | None) -> str | None:
        return next((r.name for r in self.roles if r.id == role_id), None)


class BotSide(Protocol):
    """What the bot offers the site (implemented by the Discord edge, :mod:`cogs.dashboard`)."""

    def servers(self) -> frozenset[int]:
        """The servers the bot is in."""
        ...

    async def server(self, guild_id: int) -> ServerView | None:
        """The server, or None if the bot is not in it."""
        ...

    async def member(self, guild_id: int, user_id: int) -> Actor | None:
        """The member as the bot finds them in the server now, or None if they are not in it."""
        ...

    async def announce(self, guild_id: int, records: Sequence[ActionRecord], decision: Decision | None) -> None:
        """Post the actions to the server's mod-log and tell a submitter about a decision."""
        ...


class BotLink:
    """The bot as the site reaches it; the bot attaches itself when it starts and detaches when it stops."""

    def __init__(self, access: Access) -> None:
        self.access = access
        self._side: BotSide | None = None

    def attach(self, side: BotSide) -> None:
        self._side = side

    def detach(self, side: BotSide) -> None:
        if self._side is side:
            self._side = None

    @property
    def connected(self) -> bool:
        return self._side is not None

    def _bot(self) -> BotSide:
        if self._side is None:
            raise BotAway()
        return self._side

    def shared_servers(self, guild_ids: Sequence[int]) -> list[int]:
        """Those of ``guild_ids`` the bot is in, in the order given."""
        present = self._bot().servers()
        return [guild_id for guild_id in guild_ids if guild_id in present]

    async def server(self, guild_id: int) -> ServerView | None:
        return await self._bot().server(guild_id)

    async def moderator(self, guild_id: int, user_id: int) -> Actor | None:
        """The member as an :class:`Actor` if they moderate the server now; None otherwise (not a
        member, not a moderator, or the bot is not there)."""
        actor = await self._bot().member(guild_id, user_id)
        if actor is None or not await self.access.is_moderator(guild_id, actor):
            return None
        return actor

    async def announce(self, guild_id: int, *records: ActionRecord | None, decision: Decision | None = None) -> None:
        """Tell Discord about actions done on the site. Never raises: the action is done and recorded."""
        shown = [r for r in records if r is not None]
        if self._side is None or not shown:
            return
        try:
            await self._side.announce(guild_id, shown, decision)
        except Exception:
            log.exception("telling Discord about actions in guild %s failed", guild_id)
