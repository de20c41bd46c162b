"""The emulated Gateway: the websocket server and the sessions it keeps."""

from __future__ import annotations

from .connection import GatewayConnection, GatewaySession
from .server import Gateway

__all__ = ["Gateway", "GatewayConnection", "GatewaySession"]
