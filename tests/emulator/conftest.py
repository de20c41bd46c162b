"""Fixtures for the emulator's own tests (reusable by other tests via discord_emulator.driver)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from discord_emulator.driver import Sandbox, running_bot, sandbox
from discord_emulator.openapi import default_spec_path
from tests.emulator.barebot import BareBot

SPEC = default_spec_path()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "spec_violations_expected: the test provokes OpenAPI violations on purpose")


@pytest.fixture
async def sb(request: pytest.FixtureRequest) -> AsyncIterator[Sandbox]:
    """An emulator with guild "Test server", #general and members alice and bob."""
    async with sandbox() as world:
        yield world
        # Every body the bare bot sends and every answer the emulator gives must fit the spec.
        if request.node.get_closest_marker("spec_violations_expected") is None:
            assert world.emu.spec_violations == []


@pytest.fixture
async def bot(sb: Sandbox) -> AsyncIterator[BareBot]:
    """The bare bot, connected, ready and with its commands synced globally."""
    async with running_bot(sb.emu, BareBot) as client:
        await sb.emu.wait_for_commands(["joke", "mood", "discussion"])
        yield client
