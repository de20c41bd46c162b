"""Interactions as the emulator sees them: what the user did and how the bot answered."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any

from .changes import Changes
from .models import Channel, Guild, Member, Message, User

log = logging.getLogger(__name__)

# Interaction types
APPLICATION_COMMAND, MESSAGE_COMPONENT, AUTOCOMPLETE, MODAL_SUBMIT = 2, 3, 4, 5
# Callback (response) types
PONG = 1
CHANNEL_MESSAGE = 4
DEFERRED_CHANNEL_MESSAGE = 5
DEFERRED_UPDATE_MESSAGE = 6
UPDATE_MESSAGE = 7
AUTOCOMPLETE_RESULT = 8
MODAL = 9
RESPONSE_NAMES = {
    PONG: "pong",
    CHANNEL_MESSAGE: "message",
    DEFERRED_CHANNEL_MESSAGE: "deferred message",
    DEFERRED_UPDATE_MESSAGE: "deferred update",
    UPDATE_MESSAGE: "update message",
    AUTOCOMPLETE_RESULT: "autocomplete result",
    MODAL: "modal",
}


@dataclass
class ModalField:
    """One input of a modal, as the user sees it."""

    custom_id: str
    label: str | None
    type: int = 4  # 4 text input, 3/5-8 selects
    style: int | None = 1  # 1 short, 2 paragraph
    value: str | None = None  # pre-filled default
    required: bool = True
    min_length: int | None = None
    max_length: int | None = None
    placeholder: str | None = None
    description: str | None = None
    options: list[dict[str, Any]] = field(default_factory=list)  # string select choices
    min_values: int | None = None
    max_values: int | None = None
    in_label: bool = False  # sent inside a Label (type 18) rather than an action row


@dataclass
class Modal:
    title: str
    custom_id: str
    fields: list[ModalField]
    raw: dict[str, Any]
    texts: list[str] = field(default_factory=list)  # text display components

    def field(self, key: str) -> ModalField:
        """A field by custom_id, or else by label (case-insensitive)."""
        for f in self.fields:
            if f.custom_id == key:
                return f
        for f in self.fields:
            if f.label is not None and f.label.lower() == key.lower():
                return f
        raise KeyError(f"modal {self.custom_id!r} has no field {key!r} (fields: {[f.custom_id for f in self.fields]})")

    @classmethod
    def from_payload(cls, data: dict[str, Any]) -> Modal:
        fields: list[ModalField] = []
        texts: list[str] = []
        for comp in data.get("components") or []:
            if comp.get("type") == 1:
                for inner in comp.get("components") or []:
                    fields.append(_field(inner, label=inner.get("label"), description=None, in_label=False))
            elif comp.get("type") == 18:
                inner = comp.get("component") or {}
                fields.append(
                    _field(inner, label=comp.get("label"), description=comp.get("description"), in_label=True)
                )
            elif comp.get("type") == 10:
                texts.append(comp.get("content", ""))
        return cls(
            title=data.get("title", ""), custom_id=data.get("custom_id", ""), fields=fields, raw=data, texts=texts
        )


def _field(comp: dict[str, Any], *, label: str | None, description: str | None, in_label: bool) -> ModalField:
    kind = comp.get("type", 4)
    is_text = kind == 4
    return ModalField(
        custom_id=comp.get("custom_id", ""),
        label=label,
        type=kind,
        style=comp.get("style") if is_text else None,
        value=comp.get("value"),
        required=comp.get("required", True),
        min_length=comp.get("min_length"),
        max_length=comp.get("max_length"),
        placeholder=comp.get("placeholder"),
        description=description,
        options=list(comp.get("options") or []),
        min_values=comp.get("min_values"),
        max_values=comp.get("max_values"),
        in_label=in_label,
    )


@dataclass
class InteractionResponse:
    """The bot's initial answer (the interaction callback)."""

    type: int
    data: dict[str, Any] | None
    ephemeral: bool = False
    modal: Modal | None = None
    choices: list[dict[str, Any]] | None = None
    message_id: int | None = None

    @property
    def name(self) -> str:
        return RESPONSE_NAMES.get(self.type, str(self.type))

    @property
    def deferred(self) -> bool:
        return self.type in (DEFERRED_CHANNEL_MESSAGE, DEFERRED_UPDATE_MESSAGE)


class EmulatedInteraction:
    """Handle a test holds after ``slash``/``click``/``submit_modal``/``autocomplete``."""

    def __init__(
        self,
        changes: Changes,
        messages: dict[int, Message],
        *,
        id: int,
        token: str,
        type: int,
        user: User,
        member: Member | None,
        channel: Channel,
        guild: Guild | None,
        data: dict[str, Any],
        created_at: float,
        message_id: int | None = None,
        parent: EmulatedInteraction | None = None,
    ) -> None:
        self._changes = changes
        self._messages = messages  # the emulator's, looked up as the bot answers
        self.id = id
        self.token = token
        self.type = type
        self.user = user
        self.member = member
        self.channel = channel
        self.guild = guild
        self.data = data
        self.created_at = created_at
        self.message_id = message_id  # the message a component sits on
        self.parent = parent  # for a modal submit: the interaction that opened the modal
        self.payload: dict[str, Any] = {}
        self.initial: InteractionResponse | None = None
        self.responded_at: float | None = None
        self.original_id: int | None = None
        self.followup_ids: list[int] = []
        self.rejected: list[tuple[int, dict[str, Any]]] = []  # (status, body) of refused callbacks

    # -- state ------------------------------------------------------------------------------

    @property
    def responded(self) -> bool:
        return self.initial is not None

    @property
    def followups(self) -> list[Message]:
        return [self._messages[i] for i in self.followup_ids if i in self._messages]

    @property
    def source_message(self) -> Message | None:
        return self._messages.get(self.message_id) if self.message_id else None

    @property
    def modal(self) -> Modal | None:
        return self.initial.modal if self.initial else None

    @property
    def settled(self) -> bool:
        """Answered, or Discord refused the bot's answer (see :attr:`rejected`)."""
        return self.initial is not None or bool(self.rejected)

    # -- waiting ----------------------------------------------------------------------------

    async def outcome(self, timeout: float = 5.0) -> InteractionResponse | None:  # noqa: ASYNC109 - the test API takes explicit timeouts
        """The bot's initial answer, or ``None`` when Discord refused it (the user sees "This
        interaction failed"; the refusal is ``rejected[-1]``)."""
        await self._changes.wait_for(lambda: self.settled, timeout=timeout, what=f"an answer to {self.describe()}")
        return self.initial

    async def response(self, timeout: float = 5.0) -> InteractionResponse:  # noqa: ASYNC109 - the test API takes explicit timeouts
        """Wait for the bot's initial callback (``type`` 4, 5, 6, 7, 8 or 9)."""
        await self._changes.wait_for(
            lambda: self.initial is not None, timeout=timeout, what=f"a response to interaction {self.describe()}"
        )
        assert self.initial is not None
        return self.initial

    async def original_message(self, timeout: float = 5.0) -> Message:  # noqa: ASYNC109 - the test API takes explicit timeouts
        """The message the user sees once the bot has answered (a deferral must be edited first)."""

        def ready() -> bool:
            msg = self._original()
            return msg is not None and not msg.loading

        await self._changes.wait_for(ready, timeout=timeout, what=f"the original response of {self.describe()}")
        msg = self._original()
        assert msg is not None
        return msg

    async def wait_followups(self, count: int = 1, timeout: float = 5.0) -> list[Message]:  # noqa: ASYNC109 - the test API takes explicit timeouts
        await self._changes.wait_for(
            lambda: len(self.followup_ids) >= count, timeout=timeout, what=f"{count} followup(s) of {self.describe()}"
        )
        return self.followups

    def _original(self) -> Message | None:
        if self.original_id is None:
            return None
        msg = self._messages.get(self.original_id)
        return None if msg is None or msg.deleted else msg

    def describe(self) -> str:
        kinds = {
            APPLICATION_COMMAND: "command",
            MESSAGE_COMPONENT: "click",
            AUTOCOMPLETE: "autocomplete",
            MODAL_SUBMIT: "modal",
        }
        what = self.data.get("name") or self.data.get("custom_id") or ""
        return f"{kinds.get(self.type, self.type)} {what!r} by {self.user.name} (id={self.id})"

    def __repr__(self) -> str:
        state = self.initial.name if self.initial else "unanswered"
        return f"<EmulatedInteraction {self.describe()} {state}>"
