"""Command line: ``python -m bot`` (or ``banter``) run | web | import | export | check-content | mood | sandbox |
backup | restore.

What a command produces goes to stdout, so it can be piped; logs and errors go to stderr."""

from __future__ import annotations

import argparse
import asyncio
import gc
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from msgspec.structs import replace

from bot import version
from bot.config import Config, configure_logging, load_config
from bot.errors import TRY_AGAIN_LATER, BanterError, ContentError, DiscordUnreachable
from bot.services.packs import Library

log = logging.getLogger("bot")

POSTGRES_BACKUP = ("{command} copies a SQLite file, and the database is PostgreSQL ({database}): use pg_dump -Fc "
                   "to back it up and pg_restore to restore it (docs/storage.md)")

# Enough to fix a file in one pass; a whole folder in the wrong place would bury the first lines.
SHOWN_PROBLEMS = 30


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="banter", description="Banter: jokes, moods and discussions for Discord.")
    parser.add_argument("--version", action="version", version=f"banter {version()}",
                        help="show Banter's version and exit")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def add(name: str, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.add_argument("--config", type=Path, metavar="PATH", help="YAML config file (see config.example.yaml)")
        return p

    add("run", "Run the bot (needs DISCORD_TOKEN).")
    p = add("web", "Serve the public web site alone, against the configured database.")
    p.add_argument("--host", help="listen on this address (default: web.host)")
    p.add_argument("--port", type=int, help="listen on this port (default: web.port)")
    p = add("import", "Import content packs from a folder, or a JokeAPI JSON file.")
    p.add_argument("path", type=Path, help="a folder laid out like content/, or with --format jokeapi a JSON file")
    p.add_argument("--format", choices=("packs", "jokeapi"), default="packs",
                   help="what PATH holds: Banter packs (default) or JokeAPI's JSON")
    p = add("export", "Write the content library back out as packs.")
    p.add_argument("path", type=Path, help="the folder to write the packs into")
    p = add("check-content", "Validate content packs without writing anything.")
    p.add_argument("path", type=Path, nargs="?", help="a content folder (default: the configured ones)")
    p = add("mood", "Show which mood a text reads as and why; or, with --eval, measure the reader on a file.")
    p.add_argument("text", nargs="?", help="what a member might type")
    p.add_argument("--eval", type=Path, metavar="FILE", dest="eval_file",
                   help="TSV of text, accepted labels (a|b) and kind: print accuracy, per-mood figures, misses")
    p.add_argument("--reader", choices=("full", "lexicon"), default="full",
                   help="with --eval: the reader to measure (lexicon: the cue-words-only baseline)")
    p = add("sandbox", "Try the bot offline: a local Discord and a prompt to type commands.")
    p.add_argument("--db", type=Path, metavar="PATH", help="database file (default: a temporary one)")
    p = add("backup", "Copy the database to a file, consistently, even while the bot runs.")
    p.add_argument("file", type=Path, metavar="FILE", help="the backup file to write (a SQLite database)")
    p.add_argument("--force", action="store_true", help="replace FILE if it already exists")
    p = add("restore", "Replace the database with a backup, after checking it (stop the bot first).")
    p.add_argument("file", type=Path, metavar="FILE",
                   help="a backup made by the backup command; the current database is kept beside it")
    p = add("migrate-db", "Copy the whole SQLite database into an empty PostgreSQL database, and verify it.")
    p.add_argument("--to", required=True, metavar="URL", dest="target",
                   help="the PostgreSQL database, postgresql://user:password@host/name (it must hold no data)")
    return parser


def _library_with(config: Config, path: Path) -> Library:
    """The packs in ``path``, validated together with the configured ones, so a pack name or an
    id that clashes with theirs is refused instead of silently taking their place."""
    from bot.core import content_folders
    from bot.services.packs import load_library

    if not path.is_dir():
        raise ContentError([f"{path}: content folder not found"])
    folders = content_folders(config)
    known = {folder.resolve() for folder in folders}
    if path.resolve() not in known:
        folders.append(path)
    library = load_library(folders)
    root = path.resolve()
    return replace(library, packs=tuple(p for p in library.packs if p.path.resolve().is_relative_to(root)))


def _migrate_db(config: Config, target: str) -> int:
    from bot.config import redact_url
    from bot.storage.postgres.copy import migrate_db, report

    if not target.startswith(("postgresql://", "postgres://")):
        raise BanterError(f"migrate-db: --to must be a postgresql:// address, not {redact_url(target)!r}")
    if config.database_url is not None:
        raise BanterError("migrate-db copies from a SQLite database; this config names PostgreSQL")
    if not config.database_path.is_file():
        raise BanterError(f"migrate-db: there is no SQLite database at {config.database_path}")
    copies = asyncio.run(migrate_db(config.database_path, target))
    print(f"copied {config.database_path} to {redact_url(target)}")
    print(report(copies))
    return 0 if all(c.matches for c in copies) else 1


async def _import(config: Config, path: Path, fmt: str) -> str:
    from bot.core import Core
    from bot.services.interchange import read_jokeapi

    # Validate before opening the database: a bad pack writes nothing.
    if fmt == "jokeapi":
        entries = read_jokeapi(path)
    else:
        library = _library_with(config, path)
        if not library.packs:
            from bot.services.packs import pack_files

            copies = len(pack_files(path))
            return (f"imported {path}: its {copies} pack{'s are' if copies != 1 else ' is'} the same as "
                    "one already loaded; nothing changed")
    core = await Core.open(config)
    try:
        report = await (core.library.import_jokeapi(entries) if fmt == "jokeapi"
                        else core.library.import_library(library))
    finally:
        await core.close()
    return f"imported {path}: {report.summary()}"


async def _export(config: Config, path: Path) -> str:
    from bot.core import Core

    core = await Core.open(config)
    try:
        written = await core.library.export(path)
        written.append(await core.mood_corrections.export(path))
    finally:
        await core.close()
    done = f"exported {len(written) - 1} packs and the mood corrections to {path}"
    return "\n".join([f"wrote {p}" for p in written] + [done])


async def _web(config: Config, host: str | None, port: int | None) -> None:
    from bot.core import Core
    from web.server import dashboard_parts, serve_forever

    web = replace(config.web, host=host or config.web.host,
                              port=config.web.port if port is None else port)
    core = await Core.open(config)
    try:
        await serve_forever(core.catalog, web, dashboard=dashboard_parts(core))
    finally:
        await core.close()


def _check(config: Config, path: Path | None) -> str:
    from bot.core import content_folders
    from bot.services.packs import load_library

    library = _library_with(config, path) if path is not None else load_library(content_folders(config))
    lines = [f"{pack.path}: {len(pack.entries)} {pack.kind}s" for pack in library.packs]
    lines.append(f"ok: {len(library.entries())} entries in {len(library.packs)} packs, {len(library.moods)} moods")
    return "\n".join(lines)


def _mood(config: Config, text: str | None, eval_file: Path | None, which: str) -> str:
    from bot.core import content_folders
    from bot.services.mood import LexiconReader, MoodReader
    from bot.services.mood.evaluation import evaluate, load_rows, report
    from bot.services.packs import load_library

    moods = load_library(content_folders(config)).moods
    if eval_file is None:
        if text is None:
            raise BanterError("give a text to read, or --eval FILE")
        reading = MoodReader(moods).read(text)
        # The first line is the reading alone, for scripts; the rest says why.
        return "\n".join([reading.label, *reading.explain()])
    names = [m.name for m in moods]
    rows = load_rows(eval_file, names)
    if which == "lexicon":
        baseline = LexiconReader(moods)

        def read(phrase: str) -> tuple[str, tuple[str, ...]]:
            mood = baseline.read(phrase).mood
            return (mood.name if mood else "none"), ()
    else:
        reader = MoodReader(moods)

        def read(phrase: str) -> tuple[str, tuple[str, ...]]:
            reading = reader.read(phrase)
            offers = () if reading.verdict.value == "other-language" else tuple(m.name for m in reading.offers)
            return reading.label, offers

    return report(evaluate(rows, read), names, f"{eval_file} ({which} reader)")


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        config = load_config(args.config)
        configure_logging(config.log_level)
        if args.command == "run":
            # Starting the bot allocates hundreds of thousands of objects that live as long as the
            # process: discord.py's and Banter's modules, their classes and functions, the content.
            # The collector's passes over them, again and again while they are built, took 45 ms
            # of each start (bench/guilds.py), so it is paused until they are: the launcher then
            # freezes them out of its passes and starts it again.
            gc.disable()
            try:
                from bot import launcher

                asyncio.run(launcher.run_until_terminated(config))
            finally:
                gc.enable()  # however the run ended
        elif args.command == "web":
            asyncio.run(_web(config, args.host, args.port))
        elif args.command == "import":
            print(asyncio.run(_import(config, args.path, args.format)))
        elif args.command == "export":
            print(asyncio.run(_export(config, args.path)))
        elif args.command == "check-content":
            print(_check(config, args.path))
        elif args.command == "mood":
            print(_mood(config, args.text, args.eval_file, args.reader))
        elif args.command == "migrate-db":
            return _migrate_db(config, args.target)
        elif args.command in ("backup", "restore") and config.database_url is not None:
            raise BanterError(POSTGRES_BACKUP.format(command=args.command, database=config.database_label()))
        elif args.command == "backup":
            from bot.storage.sqlite.backup import backup

            print(backup(config.database_path, args.file, overwrite=args.force).summary())
        elif args.command == "restore":
            from bot.storage.sqlite.backup import restore

            print(restore(args.file, config.database_path).summary())
        elif args.command == "sandbox":
            from bot.sandbox.app import run_sandbox

            # The sandbox is a private try-out: its web site listens on this machine only, on a port
            # the system picks (so it never takes a running bot's), and the prompt says where.
            local = replace(config, web=replace(config.web, host="127.0.0.1", port=0))
            return asyncio.run(run_sandbox(local, db_path=args.db))
    except ContentError as exc:
        print(f"content is invalid ({len(exc.problems)} problems), nothing was written:", file=sys.stderr)
        for problem in exc.problems[:SHOWN_PROBLEMS]:
            print(f"  {problem}", file=sys.stderr)
        if len(exc.problems) > SHOWN_PROBLEMS:
            print(f"  ... and {len(exc.problems) - SHOWN_PROBLEMS} more", file=sys.stderr)
        return 2
    except DiscordUnreachable as exc:
        print(str(exc), file=sys.stderr)
        return TRY_AGAIN_LATER
    except BanterError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: one clear line, details in the log
        log.debug("failed", exc_info=True)
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
