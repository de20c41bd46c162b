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
import json
import logging
import secrets
import zlib
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

from .. import payloads as P
from ..flags import PRIVILEGED_INTENTS, Intents
from ..payloads import Payloads
from ..world import World
from .connection import (
    DISPATCH,
    EVENT_INTENTS,
    HEARTBEAT,
    HEARTBEAT_ACK,
    HEARTBEAT_INTERVAL_MS,
    HELLO,
    IDENTIFY,
    INVALID_SESSION,
    PRESENCE,
    RECONNECT,
    REQUEST_MEMBERS,
    RESUME,
    SESSION_ENDING_CLOSES,
    VOICE_STATE,
    GatewayConnection,
    GatewaySession,
    covers,
    dumps,
)

log = logging.getLogger(__name__)

# IDENTIFY builds this many GUILD_CREATEs before letting the writer send them.
GUILD_CREATE_BATCH = 100


class Gateway:
    def __init__(self, world: World, payloads: Payloads) -> None:
        self.world = world
        self.payloads = payloads
        self.sessions: dict[str, GatewaySession] = {}
        self.connections: set[GatewayConnection] = set()
        self.identifies = 0
        self.resumes = 0
        self.connects: list[str] = []  # path and query of every websocket opened, in order

    # -- public -----------------------------------------------------------------------------

    def live_sessions(self) -> list[GatewaySession]:
        """Every session not invalidated, whatever its shard (connected or waiting for a RESUME)."""
        return [s for s in self.sessions.values() if s.live]

    def sessions_covering(self, guild_id: int | None) -> list[GatewaySession]:
        """The live sessions that get ``guild_id``'s events: those of its shard (shard 0 for DMs)."""
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
        needed = intent if intent is not None else EVENT_INTENTS.get(event)
        sessions = self.sessions_covering(guild_id)
        if only_latest and sessions:
            sessions = sessions[-1:]
        sent = 0
        for session in sessions:
            if needed is not None and not session.intents & needed:
                continue
            body = data
            if content_of is not None and self._hide_content(session, data, content_of, guild_id):
                body = dict(data, content="", embeds=[], components=[], attachments=[])
            self.send_event(session, event, body)
            sent += 1
        self.world.traffic.dispatched.append({"t": event, "d": data})
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
            if not conn.closed_by_server and code in SESSION_ENDING_CLOSES:
                session.invalidated = True
                log.debug("gateway session %s ended by client (close %s)", session.session_id, code)
        log.debug("gateway disconnect (close code %s)", code)
        self.world.changed()

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
        world = self.world
        if conn.session is not None:
            await conn.close(4005, "Already authenticated.")
            return
        if data.get("token") != world.settings.token:
            log.warning("gateway: IDENTIFY with a wrong token")
            await conn.close(4004, "Authentication failed.")
            return
        intents = int(data.get("intents", 0))
        if intents & PRIVILEGED_INTENTS & ~world.settings.privileged_intents:
            await conn.close(4014, "Disallowed intent(s).")
            return
        shard = self._shard_of(data)
        if shard is None:
            await conn.close(4010, "Invalid shard.")
            return
        guilds = [g for g in world.guilds.values() if covers(shard, g.id)]
        settings = world.settings
        if ("shard" not in data and settings.require_sharding) or len(guilds) > settings.max_guilds_per_shard:
            log.info("gateway: IDENTIFY as shard %s would hold %d guild(s); sharding required", shard, len(guilds))
            await conn.close(4011, "Sharding required.")
            return
        session = GatewaySession(session_id=secrets.token_hex(16), intents=intents, shard=shard)
        self.sessions[session.session_id] = session
        session.connection = conn
        conn.session = session
        self.identifies += 1
        world.session_starts += 1
        ready = {
            "v": 10,
            "user": P.user_pii(world.bot_user),
            # Guilds start unavailable; a GUILD_CREATE for each follows right away, so the bot's
            # guild_ready_timeout only has to wait for the last one.
            "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
            "session_id": session.session_id,
            "session_type": "normal",
            "resume_gateway_url": world.settings.resume_gateway_url,
            "shard": list(session.shard),
            "application": {"id": str(world.application_id), "flags": 1 << 19 | 1 << 15 | 1 << 13},
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
            world.changed()

        # "Connected" (wait_until_connected) means READY and every GUILD_CREATE have gone out.
        self.send_event(session, "READY", ready, on_sent=None if guilds else mark_ready)
        with_members = bool(intents & Intents.GUILD_MEMBERS)
        for i, guild in enumerate(guilds):
            payload = self.payloads.guild_create(guild, with_members=with_members)
            self.send_event(session, "GUILD_CREATE", payload, on_sent=mark_ready if i == len(guilds) - 1 else None)
            if i % GUILD_CREATE_BATCH == GUILD_CREATE_BATCH - 1:
                # Thousands of guilds: let the writer send what is ready while the rest are built,
                # so the bot parses them meanwhile, as it would from Discord's stream.
                await asyncio.sleep(0)
        world.changed()

    @staticmethod
    def _shard_of(data: dict[str, Any]) -> tuple[int, int] | None:
        """IDENTIFY's ``shard: [id, count]`` (``[0, 1]`` when absent), or None when it is not one."""
        raw = data.get("shard", [0, 1])
        if not isinstance(raw, list) or len(raw) != 2 or not all(type(n) is int for n in raw):
            return None
        shard_id, count = raw
        return (shard_id, count) if 0 <= shard_id < count else None

    async def _resume(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        world = self.world
        if data.get("token") != world.settings.token:
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
        world.changed()

    def _request_members(self, conn: GatewayConnection, data: dict[str, Any]) -> None:
        session = conn.session
        guild = self.world.guilds.get(int(data.get("guild_id", 0)))
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
        self.send_event(session, "GUILD_MEMBERS_CHUNK", chunk)

    # -- helpers ----------------------------------------------------------------------------

    def send_event(
        self,
        session: GatewaySession,
        event: str,
        data: dict[str, Any],
        on_sent: Callable[[], None] | None = None,
    ) -> None:
        session.seq += 1
        # Serialised now, so a replay after RESUME sends what was true at the time.
        text = dumps({"op": DISPATCH, "t": event, "s": session.seq, "d": data})
        session.events.append((session.seq, text))
        if session.connection is not None:
            session.connection.send(text, on_sent)

    def _hide_content(
        self, session: GatewaySession, data: dict[str, Any], author_id: int, guild_id: int | None
    ) -> bool:
        if session.intents & Intents.MESSAGE_CONTENT or guild_id is None:
            return False
        bot_id = self.world.bot_user.id
        if author_id == bot_id:
            return False
        return not any(m.get("id") == str(bot_id) for m in data.get("mentions", []))
