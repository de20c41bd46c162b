"""The moderation forms and buttons fit Discord's limits and stay in step with the service."""

from __future__ import annotations

from typing import get_args

from bot.models import FLAGS
from bot.services.moderation import DISCUSSION_FORM, JOKE_FORM, REASON_MAX
from cogs.moderation_ui import FORMS, FlagName
from cogs.review import ACTIONS, ReviewButton


def test_forms_match_the_service_and_fit_discord() -> None:
    assert tuple(spec.key for spec in FORMS["joke"]) == JOKE_FORM
    assert tuple(spec.key for spec in FORMS["discussion"]) == DISCUSSION_FORM
    for specs in FORMS.values():
        assert len(specs) <= 5  # inputs per modal
        for spec in specs:
            assert len(spec.label) <= 45
            assert spec.placeholder is None or len(spec.placeholder) <= 100
            assert 1 <= spec.max_length <= 4000
    assert REASON_MAX <= 4000


def test_flag_options_are_the_content_flags() -> None:
    assert get_args(FlagName) == FLAGS


def test_review_custom_ids_fit_and_parse() -> None:
    for action in ACTIONS:
        custom_id = f"review:{2**63 - 1}:{action}"
        assert len(custom_id) <= 100
        match = ReviewButton.__discord_ui_compiled_template__.fullmatch(custom_id)
        assert match is not None and match["action"] == action
