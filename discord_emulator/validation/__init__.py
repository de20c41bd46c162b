"""What Discord's servers refuse in a body, answered as 400/50035 with a nested ``errors`` tree."""

from __future__ import annotations

from .forms import check_choices, check_command, check_modal
from .messages import FormErrors, check_message, is_empty_message

__all__ = ["FormErrors", "check_choices", "check_command", "check_message", "check_modal", "is_empty_message"]
