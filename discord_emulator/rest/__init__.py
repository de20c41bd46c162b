"""The emulated REST API, one module per resource."""

from __future__ import annotations

from .errors import HTTPError
from .server import RestAPI

__all__ = ["HTTPError", "RestAPI"]
