"""A terminal front end over the emulator: try a bot with no Discord account or token.

The shell knows nothing about any particular bot: it reads the commands the bot registered and
turns lines like these into interactions::

    /joke category:pun
    /mood feeling:tired and grumpy        (a value runs until the next " word:")
    /mood feeling:"quoted: works too"
    /discussion today
    click 1                               (buttons of the last message shown, numbered from 1)
    as bob                                (switch user; unknown names become new members)
    channel random                        (switch to, or create, a text channel or thread)
    say hello everyone                    (post a plain message)
    help / quit

Messages appear as they arrive (content, embeds, buttons as ``[1] 👍 0  [2] 👎 0``); ephemeral
ones are marked; a modal is shown and its fields are asked for on the next input lines.

Run it against any bot factory (a callable returning a discord.py client)::

    python -m discord_emulator.shell package.module:make_bot
"""

from __future__ import annotations

from .parsing import ShellError, parse_slash
from .runner import main, run_shell
from .session import SandboxShell

__all__ = ["SandboxShell", "ShellError", "main", "parse_slash", "run_shell"]
