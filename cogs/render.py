"""What the services say as data, written for Discord: the mentions, command names and code in
error messages, and the sentence for each recorded moderation action. Not an extension itself."""

from __future__ import annotations

from bot.errors import Code, Codes, Command, Mention, UserError
from bot.members import FORMER_MEMBER
from bot.records import ActionRecord
from bot.services.moderation.wording import describe
from bot.wording import plural as plural  # the cogs' plurals, written once
from bot.wording import seconds_text as seconds_text

MENTION_FORMATS = {"user": "<@{}>", "role": "<@&{}>", "channel": "<#{}>"}


FORMER_MEMBER_TEXT = "a former member"


def markup(value: object) -> str:
    """One value of a message, as Discord shows it (a member who deleted their data, by words)."""
    if isinstance(value, Mention) and value.kind == "user" and value.id == FORMER_MEMBER:
        return FORMER_MEMBER_TEXT
    if isinstance(value, Mention):
        return MENTION_FORMATS[value.kind].format(value.id)
    if isinstance(value, Command):
        return f"`/{value.name}`"
    if isinstance(value, Code):
        return f"`{value.text}`"
    if isinstance(value, Codes):
        return ", ".join(f"`{text}`" for text in value.texts)
    return str(value)


def error_text(error: UserError) -> str:
    """A user-facing error as the member reads it in Discord."""
    return error.render(markup)


def action_text(record: ActionRecord) -> str:
    """What a recorded action did, as a sentence that follows the actor's name ("approved suggestion #3 …")."""
    return describe(record, markup)
