"""Tickets and turns on one key (bot/turns.py), as vote clicks on one message use them."""

from __future__ import annotations

import asyncio

from bot.turns import Turns


async def test_a_ticket_alone_is_not_shared_and_its_key_is_dropped_after() -> None:
    turns = Turns()
    async with turns.ticket("m") as ticket:
        async with ticket.turn():
            assert not ticket.shared
    async with turns.ticket("m") as later:
        assert not later.shared  # the first one had ended: the key started afresh


async def test_tickets_out_at_the_same_time_are_both_shared_and_take_turns_in_order() -> None:
    turns = Turns()
    order: list[str] = []
    first_in = asyncio.Event()

    async def work(name: str) -> bool:
        async with turns.ticket("m") as ticket:
            if name == "a":
                first_in.set()
            else:
                await first_in.wait()
            async with ticket.turn():
                order.append(name)
                await asyncio.sleep(0)
            return ticket.shared

    a = asyncio.create_task(work("a"))
    b = asyncio.create_task(work("b"))
    assert await a and await b
    assert order == ["a", "b"]


async def test_a_ticket_on_another_key_is_not_sharing() -> None:
    turns = Turns()
    async with turns.ticket("m") as one, turns.ticket("n") as other:
        assert not one.shared and not other.shared
