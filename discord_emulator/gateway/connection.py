"""Gateway sessions (what Discord keeps per identified bot) and connections (one websocket each,
framing and compressing in order)."""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from ..flags import Intents

try:  # optional, as for discord.py: the standard library's encoder otherwise
    import orjson
except ImportError:
    orjson = None  # type: ignore[assignment]

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE_STATE = 0, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 6, 7, 8, 9, 10, 11
HEARTBEAT_INTERVAL_MS = 41250
# Client close codes after which Discord forgets the session (a clean logout).
SESSION_ENDING_CLOSES = (1000, 1001)
# Events that need an intent; anything not listed (READY, INTERACTION_CREATE, ...) always goes out.
EVENT_INTENTS = {
    "GUILD_CREATE": Intents.GUILDS,
    "GUILD_DELETE": Intents.GUILDS,
    "GUILD_ROLE_CREATE": Intents.GUILDS,
    "GUILD_ROLE_UPDATE": Intents.GUILDS,
    "CHANNEL_CREATE": Intents.GUILDS,
    "CHANNEL_UPDATE": Intents.GUILDS,
    "CHANNEL_DELETE": Intents.GUILDS,
    "THREAD_CREATE": Intents.GUILDS,
    "THREAD_UPDATE": Intents.GUILDS,
    "THREAD_DELETE": Intents.GUILDS,
    "GUILD_MEMBER_ADD": Intents.GUILD_MEMBERS,
    "GUILD_MEMBER_UPDATE": Intents.GUILD_MEMBERS,
    "GUILD_MEMBER_REMOVE": Intents.GUILD_MEMBERS,
}


REPLAY_WINDOW = 2000


def covers(shard: tuple[int, int], guild_id: int | None) -> bool:
    """Whether the session of ``shard`` (id, count) gets ``guild_id``'s events: the guild's shard is
    ``(guild_id >> 22) % count``, and events outside any guild (DMs) go to shard 0, as on Discord."""
    shard_id, count = shard
    if guild_id is None:
        return shard_id == 0
    return (guild_id >> 22) % count == shard_id


@dataclass(eq=False)
class GatewaySession:
    """What Discord keeps per identified bot session; survives reconnects until invalidated."""

    session_id: str
    intents: int
    shard: tuple[int, int]
    seq: int = 0
    # Like Discord, only a window of recent events is kept for a RESUME; a client that missed
    # more than that is told to identify afresh. Bounded so a long sandbox session stays small.
    events: collections.deque[tuple[int, str]] = field(default_factory=lambda: collections.deque(maxlen=REPLAY_WINDOW))
    connection: GatewayConnection | None = None
    invalidated: bool = False
    ready: bool = False
    resumes: int = 0

    def covers(self, guild_id: int | None) -> bool:
        return covers(self.shard, guild_id)

    @property
    def live(self) -> bool:
        return not self.invalidated


def dumps(payload: dict[str, Any]) -> str:
    """A gateway message as compact JSON. With orjson, a server's GUILD_CREATE is encoded in a
    sixth of the time, so the emulator sends thousands of servers faster than a bot takes them in
    (bench/guilds.py measures the bot, not this)."""
    if orjson is not None:
        return orjson.dumps(payload, option=orjson.OPT_NON_STR_KEYS).decode()
    return json.dumps(payload, separators=(",", ":"))


class GatewayConnection:
    """One websocket; frames and compresses outgoing messages in order."""

    def __init__(self, ws: web.WebSocketResponse, compress: str | None, path: str) -> None:
        self.ws = ws
        self.path = path
        self.compress = compress
        self.session: GatewaySession | None = None
        self.closed_by_server = False
        self._queue: asyncio.Queue[tuple[str, Callable[[], None] | None]] = asyncio.Queue()
        # The fastest level: the stream is the same to the bot, and compressing thousands of
        # GUILD_CREATEs at the default level took the emulator longer than the bot took to read them.
        self._zlib = zlib.compressobj(1) if compress == "zlib-stream" else None
        self._zstd = _zstd_stream() if compress == "zstd-stream" else None
        self._writer = asyncio.create_task(self._write_loop(), name="sandbox-gateway-writer")

    def send(self, payload: dict[str, Any] | str, on_sent: Callable[[], None] | None = None) -> None:
        text = payload if isinstance(payload, str) else dumps(payload)
        self._queue.put_nowait((text, on_sent))

    def _encode(self, text: str) -> bytes | None:
        raw = text.encode()
        if self._zlib is not None:
            return self._zlib.compress(raw) + self._zlib.flush(zlib.Z_SYNC_FLUSH)
        if self._zstd is not None:
            return self._zstd(raw)
        return None

    async def _write_loop(self) -> None:
        while True:
            text, on_sent = await self._queue.get()
            if self.ws.closed:
                return
            try:
                data = self._encode(text)
                if data is None:
                    await self.ws.send_str(text)
                else:
                    await self.ws.send_bytes(data)
            except (ConnectionError, RuntimeError) as exc:
                log.debug("gateway write failed: %s", exc)
                return
            if on_sent is not None:
                on_sent()

    async def close(self, code: int, message: str = "") -> None:
        self.closed_by_server = True
        await self.ws.close(code=code, message=message.encode())

    def stop(self) -> None:
        self._writer.cancel()


def _zstd_stream() -> Callable[[bytes], bytes]:
    """A streaming zstd compressor flushed per message (discord.py decompresses message by message)."""
    try:
        import zstandard

        cobj = zstandard.ZstdCompressor().compressobj()
        return lambda raw: cobj.compress(raw) + cobj.flush(zstandard.COMPRESSOBJ_FLUSH_BLOCK)
    except ImportError:
        from compression import zstd  # type: ignore[import-not-found,unused-ignore]  # Python 3.14+

        comp = zstd.ZstdCompressor()
        return lambda raw: comp.compress(raw, mode=zstd.ZstdCompressor.FLUSH_BLOCK)
