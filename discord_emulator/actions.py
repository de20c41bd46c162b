"""What users do, as :class:`~discord_emulator.DiscordEmulator` methods: post, react, run slash
commands, type into autocomplete, click buttons, pick from menus and submit modals.

A mixin: it works through the emulator's public parts (``world``, ``events``, ``client``,
``payloads``), which :class:`~discord_emulator.emulator.DiscordEmulator` provides.
"""

from __future__ import annotations

import logging
from typing import Any

from .client_side import ClientSide, button_name, chosen_options, modal_answer, pick_button
from .commands import Invocation, build_invocation, shown_description, shown_name, visible_commands
from .errors import InvocationError
from .events import Events
from .flags import Permissions
from .interactions import APPLICATION_COMMAND, AUTOCOMPLETE, MESSAGE_COMPONENT, MODAL, MODAL_SUBMIT, EmulatedInteraction
from .models import Channel, Message, UserLike, iter_components, user_of
from .payloads import Payloads
from .perms import channel_permissions, has
from .world import World

log = logging.getLogger(__name__)


class UserActions:
    world: World
    events: Events
    client: ClientSide
    payloads: Payloads

    async def send_message(
        self,
        user: UserLike,
        channel: Channel,
        content: str = "",
        *,
        embeds: list[dict[str, Any]] | None = None,
        reply_to: Message | None = None,
    ) -> Message:
        """A user posts a message (the bot gets MESSAGE_CREATE)."""
        author = user_of(user)
        guild = self.world.guild_of(channel)
        if guild is not None:
            perms = channel_permissions(guild, self.world.member(guild, author), channel)
            needed = Permissions.SEND_MESSAGES_IN_THREADS if channel.is_thread else Permissions.SEND_MESSAGES
            if not has(perms, Permissions.VIEW_CHANNEL, needed):
                raise InvocationError(f"{author.name} cannot send messages in #{channel.name}")
        ref = None
        if reply_to is not None:
            ref = {"type": 0, "message_id": str(reply_to.id), "channel_id": str(reply_to.channel_id)}
            if reply_to.guild_id:
                ref["guild_id"] = str(reply_to.guild_id)
        return self.events.create_message(channel, author, content=content, embeds=embeds or [], message_reference=ref)

    async def react(self, user: UserLike, message: Message, emoji: str) -> None:
        self.events.add_reaction(self.world.get_message(message), user_of(user), emoji)

    def command_picker(self, user: UserLike, channel: Channel) -> list[tuple[str, str]]:
        """What the client lists when ``user`` types "/" in ``channel``: each command they may use, with
        its name and description in their client's language, subcommands as "group sub"."""
        guild, member = self.client.actor(user, channel, needs=Permissions.USE_APPLICATION_COMMANDS)
        locale = user_of(user).locale
        out: list[tuple[str, str]] = []
        for cmd in visible_commands(self.world, guild, member):
            subs = [o for o in cmd.options if o.get("type") == 1]
            if not subs:
                out.append((shown_name(cmd, locale), shown_description(cmd, locale)))
            out.extend((f"{shown_name(cmd, locale)} {shown_name(o, locale)}", shown_description(o, locale))
                       for o in subs)
        return out

    async def slash(self, user: UserLike, channel: Channel, command: str, /, **options: Any) -> EmulatedInteraction:
        """Run ``/command`` (``"group sub"`` for subcommands) as ``user`` in ``channel``.

        Options are checked like the Discord client does; a problem raises
        :class:`InvocationError` and nothing is sent.  Users, channels and roles may be given as
        objects, ids, mentions or names and arrive resolved in ``data.resolved``.
        """
        guild, member = self.client.actor(user, channel, needs=Permissions.USE_APPLICATION_COMMANDS)
        inv = build_invocation(self.world, self.payloads, guild, member, channel, command, options,
                               locale=user_of(user).locale)
        return self.client.create_interaction(APPLICATION_COMMAND, user_of(user), channel, _command_data(inv))

    async def autocomplete(
        self,
        user: UserLike,
        channel: Channel,
        command: str,
        /,
        *,
        focused: str,
        value: str = "",
        timeout: float = 5.0,  # noqa: ASYNC109 - the test API takes explicit timeouts
        **options: Any,
    ) -> list[dict[str, Any]]:
        """Type ``value`` into option ``focused`` and return the bot's suggestions."""
        guild, member = self.client.actor(user, channel, needs=Permissions.USE_APPLICATION_COMMANDS)
        values = dict(options)
        values[focused] = value
        inv = build_invocation(self.world, self.payloads, guild, member, channel, command, values, focused=focused,
                               locale=user_of(user).locale)
        ix = self.client.create_interaction(AUTOCOMPLETE, user_of(user), channel, _command_data(inv, always=True))
        response = await ix.response(timeout=timeout)
        return list(response.choices or [])

    async def click(
        self,
        user: UserLike,
        message: Message | int,
        /,
        *,
        label: str | None = None,
        custom_id: str | None = None,
        emoji: str | None = None,
        index: int | None = None,
    ) -> EmulatedInteraction:
        """Click a button on ``message`` picked by label, custom_id, emoji or position."""
        msg = self.client.live_message(message)
        self.client.check_can_see(user, msg)
        buttons = [c for c in iter_components(msg.components) if c.get("type") == 2]
        button = pick_button(buttons, label=label, custom_id=custom_id, emoji=emoji, index=index, msg=msg)
        if button.get("disabled"):
            raise InvocationError(f"button {button_name(button)} on message {msg.id} is disabled")
        if button.get("style") == 5 or not button.get("custom_id"):
            raise InvocationError(
                f"button {button_name(button)} is a link button: clicking it opens {button.get('url')}"
            )
        data: dict[str, Any] = {"custom_id": button["custom_id"], "component_type": 2}
        if "id" in button:
            data["id"] = button["id"]
        channel = self.world.channels[msg.channel_id]
        return self.client.create_interaction(MESSAGE_COMPONENT, user_of(user), channel, data, message=msg)

    async def select(
        self,
        user: UserLike,
        message: Message | int,
        values: list[str],
        /,
        *,
        custom_id: str | None = None,
    ) -> EmulatedInteraction:
        """Choose ``values`` in a string select menu on ``message``."""
        msg = self.client.live_message(message)
        self.client.check_can_see(user, msg)
        selects = [c for c in iter_components(msg.components) if c.get("type") == 3]
        if custom_id is not None:
            selects = [s for s in selects if s.get("custom_id") == custom_id]
        if not selects:
            raise InvocationError(f"message {msg.id} has no string select{f' {custom_id!r}' if custom_id else ''}")
        menu = selects[0]
        what = f"select {menu.get('custom_id')!r}"
        if menu.get("disabled"):
            raise InvocationError(f"{what} is disabled")
        chosen = chosen_options(menu.get("options", []), values, what)
        low, high = menu.get("min_values", 1), menu.get("max_values", 1)
        if not low <= len(chosen) <= high:
            raise InvocationError(f"{what} takes {low}..{high} values, got {len(chosen)}")
        data = {"custom_id": menu["custom_id"], "component_type": 3, "values": chosen}
        channel = self.world.channels[msg.channel_id]
        return self.client.create_interaction(MESSAGE_COMPONENT, user_of(user), channel, data, message=msg)

    async def submit_modal(
        self,
        user: UserLike,
        opened_by: EmulatedInteraction,
        values: dict[str, Any],
        /,
        *,
        timeout: float = 5.0,  # noqa: ASYNC109 - the test API takes explicit timeouts
    ) -> EmulatedInteraction:
        """Fill in and submit the modal the bot showed in answer to ``opened_by``.

        ``values`` are keyed by field custom_id or label; required fields, min/max length and
        select value counts are checked like the Discord client does.
        """
        response = await opened_by.response(timeout=timeout)
        if response.type != MODAL or response.modal is None:
            raise InvocationError(f"{opened_by.describe()} was answered with {response.name}, not a modal")
        who = user_of(user)
        if who.id != opened_by.user.id:
            raise InvocationError(f"the modal was shown to {opened_by.user.name}, not {who.name}")
        modal = response.modal
        data = {"custom_id": modal.custom_id, "components": modal_answer(modal, values)}
        message = opened_by.source_message if opened_by.type == MESSAGE_COMPONENT else None
        return self.client.create_interaction(
            MODAL_SUBMIT, who, opened_by.channel, data, message=message, parent=opened_by
        )


def _command_data(inv: Invocation, *, always: bool = False) -> dict[str, Any]:
    """``data`` of an application command interaction; autocomplete sends ``options`` ``always``."""
    data: dict[str, Any] = {"id": str(inv.command.id), "name": inv.command.name, "type": 1}
    if inv.data_options or always:
        data["options"] = inv.data_options
    if inv.resolved:
        data["resolved"] = inv.resolved
    if inv.command.guild_id is not None:
        data["guild_id"] = str(inv.command.guild_id)
    return data
