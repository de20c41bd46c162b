"""Setting the scene, as :class:`~discord_emulator.DiscordEmulator` methods: users, guilds,
channels, roles, members and permission overwrites.

Changes made while the bot is connected reach it as gateway events (GUILD_CREATE, CHANNEL_*,
GUILD_ROLE_*, GUILD_MEMBER_*). A mixin over the emulator's public ``world`` and ``events``.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable

from .events import Events
from .flags import DEFAULT_BOT_PERMISSIONS, DEFAULT_EVERYONE_PERMISSIONS, ChannelType, stable_snowflake
from .models import Channel, Emoji, Guild, Member, Overwrite, Role, User, UserLike, user_of
from .world import World

log = logging.getLogger(__name__)


class WorldBuilding:
    world: World
    events: Events

    def _new_id(self, *parts: str) -> int:
        """A fresh snowflake; with ``stable_ids``, the same one for the same ``parts`` in every run."""
        world = self.world
        if not world.stable_ids:
            return world.snowflakes.next()
        snowflake = stable_snowflake(*parts)
        while (snowflake in world.users or snowflake in world.guilds or snowflake in world.channels
               or any(snowflake in guild.roles for guild in world.guilds.values())):
            snowflake += 1  # the same names twice: the second one is the next id, in every run alike
        return snowflake

    def add_user(self, name: str, *, dms_open: bool = True, bot: bool = False, global_name: str | None = None,
                 locale: str = "en-US") -> User:
        """A user; ``locale`` is their Discord client's language ("de"), sent with each interaction."""
        existing = self.world.user_named(name)
        if existing is not None:
            return existing
        user = User(id=self._new_id("user", name), name=name, bot=bot, dms_open=dms_open, global_name=global_name,
                    locale=locale)
        self.world.users[user.id] = user
        return user

    def add_guild(self, name: str, *, owner: UserLike | None = None, shard: tuple[int, int] | None = None,
                  preferred_locale: str = "en-US") -> Guild:
        """A guild the bot is in. Guild ids take a millisecond each, so guilds made one after
        another spread over the shards (``(id >> 22) % count``); ``shard=(id, count)`` puts this
        one on that shard. ``preferred_locale`` is the server's language (Server Settings, Community)."""
        world = self.world
        owner_user = user_of(owner) if owner is not None else world.owner
        # Stable ids (the sandbox's kept database) come from the name; otherwise each guild takes
        # a millisecond of its own, so guilds spread over the shards.
        stable = world.stable_ids and shard is None
        guild_id = self._new_id("guild", name) if stable else world.snowflakes.next_spread(shard)
        guild = Guild(id=guild_id, name=name, owner_id=owner_user.id, preferred_locale=preferred_locale)
        guild.roles[guild.id] = Role(
            id=guild.id, guild_id=guild.id, name="@everyone", permissions=DEFAULT_EVERYONE_PERMISSIONS
        )
        bot_role = Role(
            id=self._new_id("bot role", str(guild.id)),
            guild_id=guild.id,
            name=world.bot_user.name,
            permissions=DEFAULT_BOT_PERMISSIONS,
            position=1,
            managed=True,
            bot_id=world.bot_user.id,
        )
        guild.roles[bot_role.id] = bot_role
        world.guilds[guild.id] = guild
        guild.members[owner_user.id] = Member(user=owner_user, guild_id=guild.id)
        guild.members[world.bot_user.id] = Member(user=world.bot_user, guild_id=guild.id, roles=[bot_role.id])
        self.events.guild_joined(guild)
        return guild

    def add_emoji(self, guild: Guild, name: str, *, animated: bool = False) -> Emoji:
        """A custom emoji in ``guild``: in its GUILD_CREATE from then on (no update event is sent)."""
        emoji = Emoji(id=self.world.snowflakes.next(), name=name, animated=animated)
        guild.emojis[emoji.id] = emoji
        return emoji

    def add_text_channel(
        self,
        guild: Guild,
        name: str,
        *,
        topic: str | None = None,
        category: Channel | None = None,
        nsfw: bool = False,
        type: int = ChannelType.GUILD_TEXT,
    ) -> Channel:
        position = sum(1 for c in guild.channels.values() if not c.is_thread)
        channel = Channel(
            id=self._new_id("channel", str(guild.id), name),
            type=int(type),
            name=name,
            guild_id=guild.id,
            position=position,
            parent_id=category.id if category else None,
            topic=topic,
            nsfw=nsfw,
        )
        guild.channels[channel.id] = channel
        self.world.channels[channel.id] = channel
        self.events.channel_created(channel)
        return channel

    def add_category(self, guild: Guild, name: str) -> Channel:
        return self.add_text_channel(guild, name, type=ChannelType.GUILD_CATEGORY)

    def add_role(
        self,
        guild: Guild,
        name: str,
        permissions: int = 0,
        *,
        color: int = 0,
        hoist: bool = False,
        mentionable: bool = False,
    ) -> Role:
        role = Role(
            id=self._new_id("role", str(guild.id), name),
            guild_id=guild.id,
            name=name,
            permissions=int(permissions),
            position=len(guild.roles),
            color=color,
            hoist=hoist,
            mentionable=mentionable,
        )
        guild.roles[role.id] = role
        self.events.role_created(role)
        return role

    def add_member(
        self,
        guild: Guild,
        user: str | UserLike,
        *,
        roles: Iterable[Role] = (),
        nick: str | None = None,
        dms_open: bool = True,
        bot: bool = False,
        locale: str = "en-US",
    ) -> Member:
        """Add a member (creating the user, or reusing one with that name)."""
        target = (self.add_user(user, dms_open=dms_open, bot=bot, locale=locale) if isinstance(user, str)
                  else user_of(user))
        if target.id in guild.members:
            return guild.members[target.id]
        member = Member(user=target, guild_id=guild.id, roles=[r.id for r in roles], nick=nick)
        guild.members[target.id] = member
        self.events.member_joined(member)
        return member

    def set_locale(self, user: UserLike, locale: str) -> None:
        """The user switches their client's language; their next interactions carry it."""
        user_of(user).locale = locale
        self.world.changed()

    def set_preferred_locale(self, guild: Guild, locale: str) -> None:
        """A server changes its language; the bot hears GUILD_UPDATE."""
        guild.preferred_locale = locale
        self.events.guild_updated(guild)

    def member(self, guild: Guild, user: UserLike) -> Member:
        return self.world.member(guild, user)

    def bot_member(self, guild: Guild) -> Member:
        return self.world.bot_member(guild)

    def set_roles(self, member: Member, roles: Iterable[Role]) -> None:
        member.roles = [r.id for r in roles]
        self.events.member_updated(member)

    def set_role_permissions(self, role: Role, permissions: int) -> None:
        role.permissions = int(permissions)
        self.events.role_updated(role)

    def set_overwrite(
        self,
        channel: Channel,
        target: UserLike | Role | Guild,
        *,
        allow: int = 0,
        deny: int = 0,
    ) -> Overwrite:
        """Set a permission overwrite for a role, a member (e.g. ``emu.bot_user``) or @everyone
        (the guild)."""
        if channel.guild_id is None:
            raise ValueError("permission overwrites only exist in guild channels")
        if isinstance(target, (Role, Guild)):
            ow = Overwrite(id=target.id, type=0, allow=int(allow), deny=int(deny))
        else:
            ow = Overwrite(id=user_of(target).id, type=1, allow=int(allow), deny=int(deny))
        channel.overwrites[ow.id] = ow
        self.events.channel_updated(channel)
        return ow

    def clear_overwrite(self, channel: Channel, target: UserLike | Role | Guild) -> None:
        key = target.id if isinstance(target, (Role, Guild)) else user_of(target).id
        channel.overwrites.pop(key, None)
        self.events.channel_updated(channel)

    def delete_channel(self, channel: Channel) -> None:
        """Delete a channel (its threads go with it); the bot gets CHANNEL_DELETE/THREAD_DELETE."""
        self.events.delete_channel(channel)

    def dm_channel(self, user: UserLike) -> Channel:
        """The DM channel between the bot and ``user`` (created on first use)."""
        return self.events.dm_channel(user_of(user))
