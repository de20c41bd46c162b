"""Discord's inline markup as the Discord client shows it: ``<@id>`` as @name, ``<@&id>`` as @role,
``<#id>`` as #channel, and ``<t:unix:style>`` in the reader's local time."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, tzinfo

from ..models import Guild, User

MARKUP = re.compile(r"<@!?(?P<user>\d+)>|<@&(?P<role>\d+)>|<#(?P<channel>\d+)>"
                    r"|<t:(?P<unix>-?\d{1,13})(?::(?P<style>[tTdDfFR]))?>")

UNITS = (("year", 365 * 86400), ("month", 30 * 86400), ("day", 86400), ("hour", 3600), ("minute", 60))


def _relative(moment: datetime, now: datetime) -> str:
    """Discord's relative style: "in 3 hours", "2 days ago", "a few seconds ago"."""
    seconds = (moment - now).total_seconds()
    span = abs(seconds)
    if span < 45:
        words = "a few seconds"
    else:
        unit, count = "minute", 1
        for name, size in UNITS:
            if span >= size * 0.95:
                unit, count = name, max(1, round(span / size))
                break
        words = ("an hour" if unit == "hour" else f"a {unit}") if count == 1 else f"{count} {unit}s"
    return f"in {words}" if seconds > 0 else f"{words} ago"


def format_timestamp(unix: int, style: str, *, now: datetime, tz: tzinfo | None) -> str:
    """``<t:unix:style>`` as the client shows it in the reader's zone ``tz`` (en-GB style)."""
    try:
        moment = datetime.fromtimestamp(unix, tz=UTC)
    except (OverflowError, OSError, ValueError):
        return f"<t:{unix}:{style}>"
    if style == "R":
        return _relative(moment, now)
    local = moment.astimezone(tz)
    formats = {"t": "%H:%M", "T": "%H:%M:%S", "d": "%d/%m/%Y", "D": f"{local.day} %B %Y",
               "f": f"{local.day} %B %Y %H:%M", "F": f"%A, {local.day} %B %Y %H:%M"}
    return local.strftime(formats[style])


class Markup:
    """Renders markup for one server's members, roles and channels, with times in ``tz`` (None:
    the machine's zone) relative to ``now``."""

    def __init__(self, guild: Guild | None, users: dict[int, User], channel_names: Callable[[int], str | None],
                 *, now: Callable[[], datetime] | None = None, tz: tzinfo | None = None) -> None:
        self.guild = guild
        self.users = users
        self.channel_names = channel_names
        self.now = now or (lambda: datetime.now(UTC))
        self.tz = tz

    def _user(self, user_id: int) -> str:
        member = self.guild.members.get(user_id) if self.guild is not None else None
        if member is not None and member.nick:
            return f"@{member.nick}"
        user = self.users.get(user_id)
        if user is None:
            return "@unknown-user"
        return f"@{user.global_name or user.name}"

    def _role(self, role_id: int) -> str:
        role = self.guild.roles.get(role_id) if self.guild is not None else None
        return "@deleted-role" if role is None else role.name if role.name.startswith("@") else f"@{role.name}"

    def _channel(self, channel_id: int) -> str:
        name = self.channel_names(channel_id)
        return "#unknown" if name is None else f"#{name}"

    def render(self, text: str) -> str:
        def one(match: re.Match[str]) -> str:
            if match["user"]:
                return self._user(int(match["user"]))
            if match["role"]:
                return self._role(int(match["role"]))
            if match["channel"]:
                return self._channel(int(match["channel"]))
            return format_timestamp(int(match["unix"]), match["style"] or "f", now=self.now(), tz=self.tz)

        return MARKUP.sub(one, text)
