"""Bringing content into the database and back out again."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from pathlib import Path

from msgspec import Struct, field

from bot.clock import Clock, iso
from bot.errors import ContentError
from bot.models import ContentEntry, Item, Kind
from bot.services.interchange import write_packs
from bot.services.packs import Library
from bot.storage import Storage

log = logging.getLogger(__name__)

JOKEAPI_PACK = "jokeapi"


class ImportReport(Struct):
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    retired: int = 0
    restored: int = 0
    packs: list[str] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return bool(self.added or self.updated or self.retired or self.restored)

    def summary(self) -> str:
        return (f"{self.added} added, {self.updated} updated, {self.restored} restored, "
                f"{self.retired} retired, {self.unchanged} unchanged")


def _check_ownership(groups: Sequence[tuple[str, Kind, Sequence[ContentEntry]]],
                     known: dict[tuple[str, str], tuple[str, str, str]]) -> None:
    """An entry id belongs to the origin that first stored it. Another pack using it would
    silently take that entry over (its text, its votes), and importing the first pack again
    would take it back, so that is refused, naming both. An id may move between packs imported
    together (the one it leaves no longer lists it)."""
    importing = {origin for origin, _, _ in groups}
    problems = []
    for origin, kind, entries in groups:
        for entry in entries:
            stored = known.get((entry.kind, entry.key))
            if stored is None or stored[2] == origin or stored[2] in importing:
                continue
            problems.append(f"{_origin_name(origin)}: {kind} id {entry.key} already belongs to "
                            f"{_origin_name(stored[2])}, which stored it first; give this entry another id")
    if problems:
        raise ContentError(problems)


def _active_keys(known: dict[tuple[str, str], tuple[str, str, str]]) -> dict[tuple[str, str], set[str]]:
    """(kind, origin) -> the keys of its active items."""
    active: dict[tuple[str, str], set[str]] = {}
    for (kind, key), (_, status, origin) in known.items():
        if status == "active":
            active.setdefault((kind, origin), set()).add(key)
    return active


def _stored_as_is(entry: ContentEntry, origin: str, known: dict[tuple[str, str], tuple[str, str, str]]) -> bool:
    """Whether ``entry`` is stored active, from ``origin``, with this very content."""
    return known.get((entry.kind, entry.key)) == (entry.content_hash(), "active", origin)


def _strays(active: dict[tuple[str, str], set[str]], kind: Kind, origin: str, entries: Sequence[ContentEntry]) -> bool:
    """Whether ``origin`` has active items of ``kind`` that ``entries`` no longer list."""
    return bool(active.get((kind, origin), set()) - {e.key for e in entries})


def _pending(groups: Sequence[tuple[str, Kind, Sequence[ContentEntry]]],
             known: dict[tuple[str, str], tuple[str, str, str]]) -> bool:
    """Whether importing ``groups`` over what is stored (``known``) would change anything: an
    entry added, edited or brought back, or an active item its origin no longer lists."""
    active = _active_keys(known)
    return any(_strays(active, kind, origin, entries) or not all(_stored_as_is(e, origin, known) for e in entries)
               for origin, kind, entries in groups)


def _origin_name(origin: str) -> str:
    group, _, name = origin.partition(":")
    return f"pack {name}" if group == "pack" else origin


class LibraryService:
    def __init__(self, storage: Storage, clock: Clock) -> None:
        self.storage = storage
        self.clock = clock

    async def import_library(self, library: Library) -> ImportReport:
        """Import every pack of a validated library in one transaction (see :meth:`import_groups`)."""
        groups = [(f"pack:{pack.name}", pack.kind, pack.entries) for pack in library.packs]
        report = await self.import_groups(groups)
        report.packs = [f"{pack.kind}s/{pack.name}" for pack in library.packs]
        return report

    async def import_groups(self, groups: Sequence[tuple[str, Kind, Sequence[ContentEntry]]]) -> ImportReport:
        """Write entries grouped by origin, all or nothing.

        Unchanged entries write nothing; edited ones update in place (same id, votes kept);
        entries that an origin no longer lists are retired, not deleted.
        """
        report = ImportReport()
        now = iso(self.clock.now())
        # A start-up with the packs as they were stored writes nothing: one read tells, and no
        # transaction is opened (34 packs' retirement checks took a twentieth of a second).
        known = await self.storage.items.fingerprints()
        _check_ownership(groups, known)
        if not _pending(groups, known):
            report.unchanged = sum(len(entries) for _, _, entries in groups)
            log.info("content library: %s", report.summary())
            return report
        async with self.storage.transaction() as tx:
            # One read tells which entries are unchanged, so a restart with the same packs
            # costs one query instead of one per entry.
            known = await tx.items.fingerprints()
            _check_ownership(groups, known)
            active = _active_keys(known)
            for origin, kind, entries in groups:
                for entry in entries:
                    if _stored_as_is(entry, origin, known):
                        report.unchanged += 1
                        continue
                    _, outcome = await tx.items.upsert(entry, origin=origin, guild_id=None, now=now)
                    setattr(report, outcome, getattr(report, outcome) + 1)
                # Only an upsert of this group could make an item of its origin active, and that
                # item is one it lists: with none stored outside its list, nothing is retired.
                if _strays(active, kind, origin, entries):
                    report.retired += await tx.items.retire_missing(
                        kind=kind, origin=origin, keep=[e.key for e in entries], now=now
                    )
        log.info("content library: %s", report.summary())
        return report

    async def import_jokeapi(self, entries: Iterable[ContentEntry]) -> ImportReport:
        """A JokeAPI file is imported as the pack ``jokeapi``: exported and imported back, it is
        the same pack, and importing a newer file retires the jokes it no longer has."""
        return await self.import_groups([(f"pack:{JOKEAPI_PACK}", "joke", list(entries))])

    async def export(self, folder: Path) -> list[Path]:
        """Write the active global library as packs (server content stays in its server)."""
        items: list[Item] = await self.storage.items.find(status="active", global_only=True)
        return write_packs(items, folder)

