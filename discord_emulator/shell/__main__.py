"""``python -m discord_emulator.shell package.module:make_bot``"""

from __future__ import annotations

from .runner import main

main()
