"""The world: every guild, channel, member, role, message, command and interaction the emulator
holds, in one place, with the lookups the REST layer, the gateway and the Python API share.

Nothing here sends anything; changes that the bot must hear about go through
:class:`discord_emulator.events.Events`, which mutates this state and dispatches the events.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from .changes import Changes, Clock
from .flags import PRIVILEGED_INTENTS, SnowflakeFactory
from .interactions import EmulatedInteraction
from .models import AppCommand, Channel, Guild, Member, Message, User, UserLike, user_of
from .oauth import OAuth
from .perms import channel_permissions
from .traffic import Traffic

log = logging.getLogger(__name__)


@dataclass
class Settings:
    """How this Discord behaves and where it listens (the port is known once it has started)."""

    token: str = "test-token"
    host: str = "127.0.0.1"
    port: int = 0
    privileged_intents: int = PRIVILEGED_INTENTS  # the Developer Portal toggles
    interaction_deadline: float = 3.0  # for the first answer to an interaction
    token_lifetime: float = 15 * 60.0  # of an interaction's webhook token
    nonce_window: float = 5 * 60.0  # for enforce_nonce
    # Sharding: what GET /gateway/bot recommends (None: one shard per 1,000 guilds, as Discord
    # roughly does); whether IDENTIFY must name a shard (else close 4011, as Discord does for a bot
    # in 2,500 guilds or more, which is also refused here whatever this says).
    shard_count: int | None = None
    require_sharding: bool = False
    max_guilds_per_shard: int = 2500
    session_start_total: int = 1000  # IDENTIFYs allowed a day (session_start_limit)
    max_concurrency: int = 1  # IDENTIFYs at once (session_start_limit.max_concurrency)

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def api_base(self) -> str:
        return f"{self.url}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway"

    @property
    def resume_gateway_url(self) -> str:
        return f"ws://{self.host}:{self.port}/gateway/resume"


class World:
    """The emulator's state. The application, its bot user and the guilds' owner exist from the start."""

    def __init__(self, settings: Settings, clock: Callable[[], float], bot_name: str, *,
                 stable_ids: bool = False) -> None:
        self.settings = settings
        # Users, servers, channels and roles get ids from their names, the same in every run.
        self.stable_ids = stable_ids
        self.clock = Clock(clock)
        self.traffic = Traffic()
        self.changes = Changes(self.traffic.recent)
        self.snowflakes = SnowflakeFactory()
        self.application_id = self.snowflakes.next()
        # Like real bots, the bot user shares the application's id.
        self.bot_user = User(id=self.application_id, name=bot_name, bot=True)
        self.owner = User(id=self.snowflakes.next(), name="owner")
        self.users: dict[int, User] = {u.id: u for u in (self.bot_user, self.owner)}
        self.guilds: dict[int, Guild] = {}
        self.channels: dict[int, Channel] = {}
        self.messages: dict[int, Message] = {}
        self.commands: dict[int, AppCommand] = {}
        self.interactions: dict[int, EmulatedInteraction] = {}
        self.interactions_by_token: dict[str, EmulatedInteraction] = {}
        self.oauth = OAuth(self.application_id, self.now)
        self.session_starts = 0  # IDENTIFYs accepted, counted against session_start_limit

    def recommended_shards(self) -> int:
        """The shard count GET /gateway/bot answers."""
        if self.settings.shard_count is not None:
            return self.settings.shard_count
        return max(1, -(-len(self.guilds) // 1000))

    def now(self) -> float:
        return self.clock.now()

    def changed(self) -> None:
        """Something changed: pending waits get re-checked."""
        self.changes.changed()

    # -- lookups ----------------------------------------------------------------------------

    def guild_of(self, channel: Channel) -> Guild | None:
        return self.guilds.get(channel.guild_id) if channel.guild_id else None

    def bot_member(self, guild: Guild) -> Member:
        return guild.members[self.bot_user.id]

    def bot_permissions(self, channel: Channel) -> int | None:
        """The bot's permissions in a guild channel (None for DMs: no permission system)."""
        guild = self.guild_of(channel)
        if guild is None:
            return None
        return channel_permissions(guild, self.bot_member(guild), channel)

    def user_named(self, name: str) -> User | None:
        return next((u for u in self.users.values() if u.name == name), None)

    def member(self, guild: Guild, user: UserLike) -> Member:
        found = guild.members.get(user_of(user).id)
        if found is None:
            raise KeyError(f"{user_of(user).name} is not a member of {guild.name}")
        return found

    def dm_with(self, user: User) -> Channel | None:
        for channel in self.channels.values():
            if channel.is_dm and channel.recipients and channel.recipients[0].id == user.id:
                return channel
        return None

    def get_message(self, message: Message | int) -> Message:
        msg_id = message.id if isinstance(message, Message) else int(message)
        return self.messages[msg_id]

    def channel_messages(self, channel: Channel, *, include_ephemeral: bool = False) -> list[Message]:
        """Messages in ``channel`` (or thread) in order; ephemeral ones only if asked for."""
        live = self.channels.get(channel.id, channel)
        out = [m for m in live.messages if not m.deleted]
        if include_ephemeral:
            out += [m for m in self.messages.values() if m.channel_id == channel.id and m.ephemeral and not m.deleted]
            out.sort(key=lambda m: m.id)
        return out

    def commands_in(self, guild_id: int | None) -> list[AppCommand]:
        """Global commands (``None``) or the commands registered for one guild."""
        return [c for c in self.commands.values() if c.guild_id == guild_id]
