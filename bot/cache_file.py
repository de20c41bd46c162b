"""A file that keeps work done at start-up for the next one: JSON under a key.

The key is a hash of everything the work follows from; a file under another key (other inputs,
another version of the code) is never used, and a file that is unreadable or not JSON is ignored.
Either way the caller does the work as usual and writes the file afresh. A folder that cannot be
written is logged and otherwise ignored: the file only ever saves time.
"""

from __future__ import annotations

import logging
import os
import tempfile
from pathlib import Path
from typing import Any

import orjson

log = logging.getLogger(__name__)


def saved(path: Path, key: str, what: str) -> dict[str, Any] | None:
    """The data saved in ``path`` under ``key``; None if the file is missing, from other inputs
    or damaged (``what`` names it in the log)."""
    try:
        # orjson both ways: read at every start in half the standard library's time, and a file
        # it wrote is always one it can read (json.dump would write NaN, which JSON has not).
        data: Any = orjson.loads(path.read_bytes())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        log.warning("the %s cache %s is unreadable (%s); doing the work again", what, path, exc)
        return None
    if not isinstance(data, dict) or data.get("key") != key:
        log.info("the %s cache %s is from other inputs; doing the work again", what, path)
        return None
    return data


def save(path: Path, key: str, data: dict[str, Any], what: str) -> None:
    """Write ``data`` under ``key`` to ``path``, whole or not at all."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(prefix=path.name, suffix=".tmp", dir=path.parent)
        os.close(fd)  # only its name (and its owner-only mode) is wanted
        try:
            Path(temporary).write_bytes(orjson.dumps({"key": key, **data}, option=orjson.OPT_NON_STR_KEYS))
            os.replace(temporary, path)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError as exc:
        log.info("could not write the %s cache %s (%s); the work is done at every start", what, path, exc)
