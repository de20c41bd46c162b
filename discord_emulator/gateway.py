"""The emulated Gateway: HELLO, IDENTIFY/READY, heartbeats, dispatches, RESUME with replay.

discord.py connects to ``DiscordWebSocket.DEFAULT_GATEWAY`` with ``?v=10&encoding=json&
compress=zlib-stream`` (``zstd-stream`` when a zstd module is importable).  For zlib-stream the
whole connection is one zlib stream: one ``compressobj`` per connection and a ``Z_SYNC_FLUSH``
after every message, which is what discord.py's decompressor waits for (the ``00 00 ff ff``
suffix).  After READY it reconnects and RESUMEs to READY's ``resume_gateway_url``, which points
back here (at a distinct path, so tests can tell resumes apart).
"""

from __future__ import annotations

import asyncio
import collections
import json
import logging
import secrets
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import WSMsgType, web

from . import payloads as P
from .models import PRIVILEGED_INTENTS, Intents

if TYPE_CHECKING:
    from .emulator import DiscordEmulator

log = logging.getLogger(__name__)

DISPATCH, HEARTBEAT, IDENTIFY, PRESENCE, VOICE_STATE = 0, 1, 2, 3, 4
RESUME, RECONNECT, REQUEST_MEMBERS, INVALID_SESSION, HELLO, HEARTBEAT_ACK = 6, 7, 8, 9, 10, 11
HEARTBEAT_INTERVAL_MS = 41250
# Client close codes after which Discord forgets the session (a clean logout).
_SESSION_ENDING_CLOSES = (1000, 1001)
# Events that need an intent; anything not listed (READY, INTERACTION_CREATE, ...) always goes out.
_EVENT_INTENTS = {
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
        shard_id, count = self.shard
        if guild_id is None:
            return shard_id == 0
        return (guild_id >> 22) % count == shard_id

    @property
    def live(self) -> bool:
        return not self.invalidated


class GatewayConnection:
    """One websocket; frames and compresses outgoing messages in order."""

    def __init__(self, ws: web.WebSocketResponse, compress: str | None, path: str) -> None:
        self.ws = ws
        self.path = path
        self.compress = compress
        self.session: GatewaySession | None = None
        self.closed_by_server = False
        self._queue: asyncio.Queue[tuple[str, Callable[[], None] | None]] = asyncio.Queue()
        self._zlib = zlib.compressobj() if compress == "zlib-stream" else None
        self._zstd = _zstd_stream() if compress == "zstd-stream" else None
        self._writer = asyncio.create_task(self._write_loop(), name="sandbox-gateway-writer")

    def send(self, payload: dict[str, Any] | str, on_sent: Callable[[], None] | None = None) -> None:
        text = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"))
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


class Gateway:
    def __init__(self, emu: DiscordEmulator) -> None:
        self.emu = emu
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: set[GatewayConnection] = set()
        self.identifies = 0
        self.resumes = 0
        self.connects: list[str] = []  # path and query of every websocket opened, in order

    # -- public -----------------------------------------------------------------------------

    def live_sessions(self, guild_id: int | None = None) -> list[GatewaySession]:
        return [s for s in self.sessions.values() if s.live and s.covers(guild_id)]

    def dispatch(
        self,
        event: str,
        data: dict[str, Any],
        *,
        guild_id: int | None = None,
        intent: int | None = None,
        content_of: int | None = None,
        only_latest: bool = False,
    ) -> int:
        """Send an event to the live sessions covering ``guild_id``; returns how many got it.

        ``content_of`` is the author id of a message payload: sessions without the privileged
        MESSAGE_CONTENT intent get it with content, embeds, components and attachments blanked
        (unless the bot wrote it, is mentioned, or it is a DM), exactly as Discord does.
        """
        needed = intent if intent is not None else _EVENT_INTENTS.get(event)
        sessions = self.live_sessions(guild_id)
        if only_latest and sessions:
            sessions = sessions[-1:]
        sent = 0
        for session in sessions:
            if needed is not None and not session.intents & needed:
                continue
            body = data
            if content_of is not None and self._hide_content(session, data, content_of, guild_id):
                body = dict(data, content="", embeds=[], components=[], attachments=[])
            self._send_dispatch(session, event, body)
            sent += 1
        self.emu.dispatched.append({"t": event, "d": data})
        return sent

    async def drop(self, code: int = 4000) -> int:
        """Close every socket (sessions stay resumable); returns how many were closed."""
        conns = list(self.connections)
        for conn in conns:
            await conn.close(code, "sandbox dropped the connection")
        return len(conns)

    async def reconnect_request(self) -> None:
        """Send op 7 RECONNECT: the client should close and RESUME."""
        for conn in list(self.connections):
            conn.send({"op": RECONNECT, "d": None})

    async def invalidate(self, resumable: bool = False) -> None:
        for conn in list(self.connections):
            if conn.session is not None and not resumable:
                conn.session.invalidated = True
            conn.send({"op": INVALID_SESSION, "d": resumable})

    async def close_all(self) -> None:
        for conn in list(self.connections):
            await conn.close(1001, "sandbox shutting down")
            conn.stop()

    # -- websocket handler ------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        compress = request.query.get("compress")
        encoding = request.query.get("encoding", "json")
        conn = GatewayConnection(ws, compress, request.path)
        self.connections.add(conn)
        self.connects.append(request.path_qs)
        log.debug("gateway connect %s (compress=%s)", request.path_qs, compress)
        try:
            if encoding != "json":
                await conn.close(4002, "sandbox only speaks encoding=json")
                return ws
            if compress not in (None, "zlib-stream", "zstd-stream"):
                await conn.close(4000, f"unknown compression {compress}")
                return ws
            conn.send({"op": HELLO, "d": {"heartbeat_interval": HEARTBEAT_INTERVAL_MS, "_trace": ["sandbox"]}})
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    await self._on_message(conn, json.loads(msg.data))
                elif msg.type == WSMsgType.BINARY:
                    await self._on_message(conn, json.loads(zlib.decompress(msg.data)))
                elif msg.type == WSMsgType.ERROR:
                    log.debug("gateway socket error: %s", ws.exception())
                    break
        finally:
            self._on_closed(conn)
        return ws

    def _on_closed(self, conn: GatewayConnection) -> None:
        conn.stop()
        self.connections.discard(conn)
        session = conn.session
        code = conn.ws.close_code
        if session is not None and session.connection is conn:
            session.connection = None
            if not conn.closed_by_server and code in _SESSION_ENDING_CLOSES:
                session.invalidated = True
                log.debug("gateway session %s ended by client (close %s)", session.session_id, code)
        log.debug("gateway disconnect (close code %s)", code)
        self.emu._changed()

    async def _on_message(self, conn: GatewayConnection, msg: dict[str, Any]) -> None:
        op, data = msg.get("op"), msg.get("d")
        if op == HEARTBEAT:
            conn.send({"op": HEARTBEAT_ACK, "d": None})
        elif op == IDENTIFY:
            await self._identify(conn, data or {})
        elif op == RESUME:
            await self._resume(conn, data or {})
        elif op == REQUEST_MEMBERS:
            self._request_members(conn, data or {})
        elif op in (PRESENCE, VOICE_STATE):
            pass  # accepted and ignored: nothing in the emulator shows presence or voice
        else:
            log.warning("gateway: unknown op %s from client", op)
            await conn.close(4001, "Unknown opcode.")

    async def _identify(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        emu = self.emu
        if conn.session is not None:
            await conn.close(4005, "Already authenticated.")
            return
        if data.get("token") != emu.token:
            log.warning("gateway: IDENTIFY with a wrong token")
            await conn.close(4004, "Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        if intents & PRIVILEGED_INTENTS & ~emu.privileged_intents:
            await conn.close(4014, "Disallowed intent(s).")
            return
        shard = data.get("shard") or [0, 1]
        session = GatewaySession(
            session_id=secrets.token_hex(16), intents=intents, shard=(int(shard[0]), int(shard[1]))
        )
        self.sessions[session.session_id] = session
        session.connection = conn
        conn.session = session
        self.identifies += 1
        guilds = [g for g in emu.guilds.values() if session.covers(g.id)]
        ready = {
            "v": 10,
            "user": P.user_pii(emu.bot_user),
            # Guilds start unavailable; a GUILD_CREATE for each follows right away, so the bot's
            # guild_ready_timeout only has to wait for the last one.
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": emu.resume_gateway_url,
            "shard": list(session.shard),
            "application": {"id": str(emu.application_id), "flags": 1 << 19 | 1 << 15 | 1 << 13},
            "private_channels": [],
            "relationships": [],
            "presences": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": [],
            "user_settings": {},
            "auth": {},
            "_trace": ["sandbox"],
        }

        def mark_ready() -> None:
            session.ready = True
            emu._changed()

        # "Connected" (wait_until_connected) means READY and every GUILD_CREATE have gone out.
        self._send_dispatch(session, "READY", ready, on_sent=None if guilds else mark_ready)
        with_members = bool(intents & Intents.GUILD_MEMBERS)
        for i, guild in enumerate(guilds):
            payload = emu.payloads.guild_create(guild, with_members=with_members)
            self._send_dispatch(session, "GUILD_CREATE", payload, on_sent=mark_ready if i == len(guilds) - 1 else None)
        emu._changed()

    async def _resume(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        emu = self.emu
        if data.get("token") != emu.token:
            await conn.close(4004, "Authentication failed.")
            return
        session = self.sessions.get(str(data.get("session_id")))
        if session is None or session.invalidated:
            log.info("gateway: RESUME of an unknown/invalid session; answering INVALID_SESSION")
            conn.send({"op": INVALID_SESSION, "d": False})
            return
        old = session.connection
        if old is not None and old is not conn:
            old.session = None
            await old.close(4000, "session resumed elsewhere")
        session.connection = conn
        conn.session = session
        last = int(data.get("seq") or 0)
        if session.events and last < session.events[0][0] - 1:
            log.info("gateway: RESUME from seq %d is older than the replay window; INVALID_SESSION", last)
            session.invalidated = True
            conn.send({"op": INVALID_SESSION, "d": False})
            return
        replay = [text for seq, text in session.events if seq > last]
        for text in replay:
            conn.send(text)
        log.info("gateway: session %s resumed, replaying %d event(s)", session.session_id, len(replay))
        conn.send({"op": DISPATCH, "t": "RESUMED", "s": session.seq, "d": {"_trace": ["sandbox"]}})
        session.resumes += 1
        self.resumes += 1
        emu._changed()

    def _request_members(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        session = conn.session
        guild = self.emu.guilds.get(int(data.get("guild_id", 0)))
        if session is None or guild is None:
            return
        members = list(guild.members.values())
        query = data.get("query")
        if query:
            members = [m for m in members if m.user.name.lower().startswith(str(query).lower())]
        user_ids = data.get("user_ids")
        if user_ids:
            wanted = {int(u) for u in user_ids}
            members = [m for m in members if m.id in wanted]
        limit = int(data.get("limit") or 0)
        if limit:
            members = members[:limit]
        chunk: dict[str, Any] = {
            "guild_id": str(guild.id),
            "members": [P.member(m) for m in members],
            "chunk_index": 0,
            "chunk_count": 1,
        }
        if data.get("nonce"):
            chunk["nonce"] = data["nonce"]
        self._send_dispatch(session, "GUILD_MEMBERS_CHUNK", chunk)

    # -- helpers ----------------------------------------------------------------------------

    def _send_dispatch(
        self,
        session: GatewaySession,
        event: str,
        data: dict[str, Any],
        on_sent: Callable[[], None] | None = None,
    ) -> None:
        session.seq += 1
        # Serialised now, so a replay after RESUME sends what was true at the time.
        text = json.dumps({"op": DISPATCH, "t": event, "s": session.seq, "d": data}, separators=(",", ":"))
        session.events.append((session.seq, text))
        if session.connection is not None:
            session.connection.send(text, on_sent)

    def _hide_content(
        self, session: GatewaySession, data: dict[str, Any], author_id: int, guild_id: int | None
    ) -> bool:
        if session.intents & Intents.MESSAGE_CONTENT or guild_id is None:
            return False
        bot_id = self.emu.bot_user.id
        if author_id == bot_id:
            return False
        return not any(m.get("id") == str(bot_id) for m in data.get("mentions", []))
