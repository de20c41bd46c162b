"""Learning from the community: a member's "not my mood" is stored for their server, and that
server's reader learns from it at once.

Each server with corrections gets its own reader, the shared one with the server's corrections
laid over its classifier (:meth:`MoodReader.with_examples`), kept until that server's
corrections change. Moderators list and clear them (each clear is in the audit log), and they
can be exported as training data in the shape of ``content/mood_examples.yaml``.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import yaml

from bot.errors import Command, UserError
from bot.records import ActionRecord, AuditEntry, MoodCorrection
from bot.services.moderation.access import Access, Actor
from bot.services.moderation.audit import acting
from bot.services.mood.reader import MoodReader

EXPORT_FILE = "mood_corrections.yaml"
# A text the member exactly corrected is read as their choice: its phrase counts this often.
CORRECTION_WEIGHT = 8.0


class MoodCorrections:
    def __init__(self, access: Access, reader: MoodReader) -> None:
        self.access = access
        self.shared = reader
        self._readers: dict[int, MoodReader] = {}

    async def reader_for(self, guild_id: int) -> MoodReader:
        """The server's reader: the shared one, with the server's corrections laid over it."""
        reader = self._readers.get(guild_id)
        if reader is None:
            rows = await self.access.storage.mood_corrections.for_guild(guild_id)
            examples = [(c.text, c.chosen) for c in reversed(rows)]
            reader = self.shared.with_examples(examples, weight=CORRECTION_WEIGHT) if examples else self.shared
            self._readers[guild_id] = reader
        return reader

    async def correct(self, guild_id: int, user_id: int, text: str, read_as: str, chosen: str) -> MoodCorrection:
        """A member says ``text`` was not ``read_as`` but ``chosen``; the server's reader learns it now."""
        mood = self.shared.get(chosen)
        if mood is None:
            raise UserError("That mood is not offered any more; try {command} again.", command=Command("mood"))
        text = " ".join(text.split())
        if not text:
            raise UserError("There is nothing to correct; try {command} again.", command=Command("mood"))
        correction = await self.access.storage.mood_corrections.add(
            guild_id=guild_id, user_id=user_id, text=text[:200], read_as=read_as, chosen=mood.name,
            now=self.access.now())
        self._readers.pop(guild_id, None)
        return correction

    async def recent(self, guild_id: int, actor: Actor, limit: int = 15) -> list[MoodCorrection]:
        await self.access.require_moderator(guild_id, actor)
        return await self.access.storage.mood_corrections.for_guild(guild_id, limit=limit)

    async def clear(self, guild_id: int, actor: Actor, correction_id: int | None = None) -> ActionRecord:
        """Clear one correction (or all of this server's), recorded in the audit log."""
        await self.access.require_moderator(guild_id, actor)
        async with acting(self.access, guild_id, actor) as act:
            cleared = await act.tx.mood_corrections.clear(guild_id, correction_id)
            if not cleared:
                if correction_id is None:
                    raise UserError("This server has no mood corrections.")
                raise UserError("There is no mood correction #{id} in this server.", id=correction_id)
            entry = AuditEntry(
                action="clear-mood-corrections", target="mood-corrections",
                member_id=cleared[0].user_id if len(cleared) == 1 else None,
                before={"corrections": [{"id": c.id, "text": c.text, "from": c.read_as, "to": c.chosen}
                                        for c in cleared[:10]]},
                details={"count": len(cleared), "all": correction_id is None})
            record = await act.record(entry)
        self._readers.pop(guild_id, None)
        return record

    async def export(self, folder: Path) -> Path:
        """Every server's corrections as training data: ``servers: {guild id: {examples: {mood:
        [phrases]}}}``, each server's part in the shape of ``content/mood_examples.yaml``."""
        storage = self.access.storage.mood_corrections
        servers: dict[int, dict[str, dict[str, list[str]]]] = {}
        for guild_id in await storage.guilds():
            rows: Sequence[MoodCorrection] = sorted(await storage.for_guild(guild_id), key=lambda c: c.id)
            examples: dict[str, list[str]] = {}
            for c in rows:
                if c.text not in examples.setdefault(c.chosen, []):
                    examples[c.chosen].append(c.text)
            servers[guild_id] = {"examples": examples}
        return write_corrections(servers, folder)


def write_corrections(servers: dict[int, dict[str, dict[str, list[str]]]], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / EXPORT_FILE
    header = ("# Members' corrections of the mood reader, per server (python -m bot export). Each\n"
              "# server's examples have the shape of content/mood_examples.yaml.\n")
    path.write_text(header + yaml.safe_dump({"servers": servers}, allow_unicode=True, sort_keys=True),
                    encoding="utf-8")
    return path
