"""OpenAPI validation of request and response bodies against Discord's official spec."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

from discord_emulator.openapi import OpenAPIValidator, SpecViolation, default_spec_path, load_spec

SPEC = default_spec_path()
pytestmark = pytest.mark.skipif(SPEC is None, reason="shared Discord OpenAPI spec not on this machine")


@pytest.fixture
def found() -> list[SpecViolation]:
    return []


@pytest.fixture
def validator(found: list[SpecViolation]) -> OpenAPIValidator:
    return OpenAPIValidator(SPEC, found.append)


def test_valid_request_body_has_no_violation(validator: OpenAPIValidator, found: list[SpecViolation]) -> None:
    body = {"content": "hi", "nonce": "123", "enforce_nonce": True, "embeds": [{"title": "t"}]}
    assert validator.check_request("POST", "/channels/123/messages", body) == []
    assert found == []


def test_invalid_request_body_gives_one_violation(validator: OpenAPIValidator, found: list[SpecViolation]) -> None:
    body = {"content": "hi", "embeds": [{"title": 5}]}
    violations = validator.check_request("POST", "/channels/123/messages", body)
    assert len(violations) == 1 and found == violations
    violation = violations[0]
    assert (violation.method, violation.path, violation.where) == ("POST", "/channels/123/messages", "request")
    assert "embeds/0/title" in violation.message
    assert isinstance(violation, str) and "embeds/0/title" in violation


def test_union_errors_point_at_the_real_problem(validator: OpenAPIValidator) -> None:
    body = {"type": 4, "data": {"content": "x" * 2001}}
    (violation,) = validator.check_request("POST", "/interactions/1/tok/callback", body)
    assert violation.message.startswith("data/content:") and "maxLength" in violation.message


def test_quirk_integer_snowflakes_are_accepted_in_requests(validator: OpenAPIValidator) -> None:
    # discord.py sends the recipient id as a JSON integer; Discord accepts it.
    assert validator.check_request("POST", "/users/@me/channels", {"recipient_id": 1234}) == []


def test_quirk_null_for_optional_fields(validator: OpenAPIValidator) -> None:
    user: dict[str, Any] = {
        "id": "1",
        "username": "u",
        "avatar": None,
        "discriminator": "0",
        "public_flags": 0,
        "flags": 0,
        "global_name": None,
        "primary_guild": None,
        "bot": None,  # optional and typed non-nullable: treated as absent
    }
    assert validator.check_response("GET", "/users/1", 200, user) == []
    del user["username"]
    assert len(validator.check_response("GET", "/users/1", 200, user)) == 1


def test_quirk_string_codes_in_form_errors(validator: OpenAPIValidator) -> None:
    body = {
        "message": "Invalid Form Body",
        "code": 50035,
        "errors": {"content": {"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": "Must be 2000 or fewer."}]}},
    }
    assert validator.check_response("POST", "/channels/1/messages", 400, body) == []


def test_literal_paths_win_over_templates(validator: OpenAPIValidator) -> None:
    assert SPEC is not None, "Discord's OpenAPI spec is not on this machine"
    spec = load_spec(SPEC)
    op = spec.find_operation("GET", "/webhooks/1/tok/messages/@original")
    assert op is not None and op.template.endswith("/messages/@original")
    op = spec.find_operation("GET", "/users/@me")
    assert op is not None and op.template == "/users/@me"


def test_unknown_operation_is_reported(validator: OpenAPIValidator) -> None:
    (violation,) = validator.check_request("POST", "/made/up", {})
    assert "no such operation" in violation


def test_spec_is_loaded_once_per_process() -> None:
    assert SPEC is not None, "Discord's OpenAPI spec is not on this machine"
    assert load_spec(SPEC) is load_spec(SPEC)
    started = time.perf_counter()
    OpenAPIValidator(SPEC, lambda v: None)
    assert time.perf_counter() - started < 0.05


def test_missing_spec_disables_validation(tmp_path: Path) -> None:
    validator = OpenAPIValidator(tmp_path / "absent.json", lambda v: None)
    assert not validator.enabled
    assert validator.check_request("POST", "/channels/1/messages", {"content": 5}) == []
