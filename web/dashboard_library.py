"""The dashboard's library (search, an item's story and versions, edit, hide or retire, restore,
flags) and the daily posts' schedule with its recent posts. The same services as ``/content`` and
``/daily status``; every change is recorded by them and handed to the bot for the mod-log."""

from __future__ import annotations

from collections.abc import Mapping

from aiohttp import web

from bot.errors import UserError
from bot.services.daily import decode_note, note_english
from web.dashboard import Dashboard
from web.moderators import Visit, error_text, show_for
from web.params import BadRequest
from web.shared import Refused

SEARCH_MAX = 200


class LibraryPages:
    def __init__(self, dashboard: Dashboard) -> None:
        self.dashboard = dashboard
        self.gate = dashboard.gate
        self.library = dashboard.moderation.library

    async def search(self, request: web.Request) -> web.StreamResponse:
        visit = await self.gate.page(request)
        words = request.query.get("q", "").strip()
        if len(words) > SEARCH_MAX:
            raise BadRequest(f"q must be at most {SEARCH_MAX} characters long.")
        problem = None
        try:
            found = await self.library.search(visit.guild_id, visit.actor, words or None)
        except UserError as exc:
            found, problem = [], error_text(exc, visit.server)
        return self.dashboard.page(request, "dashboard/library.html", f"Library · {visit.server.name}",
                                   {"found": found, "words": words, "problem": problem},
                                   session=visit.session, visit=visit, status=400 if problem else 200)

    async def item(self, request: web.Request) -> web.StreamResponse:
        visit = await self.gate.page(request)
        return await self.item_page(request, visit, int(request.match_info["id"]))

    async def item_page(self, request: web.Request, visit: Visit, item_id: int, *, note: str | None = None,
                        problem: str | None = None, status: int = 200) -> web.StreamResponse:
        try:
            details = await self.library.show_item(visit.guild_id, visit.actor, item_id)
        except UserError as exc:
            raise Refused(404, error_text(exc, visit.server)) from None
        label = f"{details.item.kind.capitalize()} #{details.item.id}"
        return self.dashboard.page(request, "dashboard/item.html", f"{label} · {visit.server.name}",
                                   {"details": details, "label": label, "note": note, "problem": problem},
                                   session=visit.session, visit=visit, status=status)

    async def edit_form(self, request: web.Request) -> web.StreamResponse:
        visit = await self.gate.page(request)
        return await self.edit_page(request, visit, int(request.match_info["id"]), None)

    async def edit_page(self, request: web.Request, visit: Visit, item_id: int, sent: Mapping[str, str] | None, *,
                        problem: str | None = None) -> web.StreamResponse:
        try:
            form = await self.library.item_form(visit.guild_id, visit.actor, item_id)
        except UserError as exc:
            return await self.item_page(request, visit, item_id, problem=error_text(exc, visit.server), status=400)
        values = dict(form.prefill) if sent is None else {k: sent.get(k, "") for k in form.prefill}
        base = form.base if sent is None else sent.get("base", form.base)
        what = f"{form.kind} #{item_id}"
        library = f"/dashboard/{visit.guild_id}/library/{item_id}"
        return self.dashboard.page(request, "dashboard/edit.html", f"Edit {what}",
                                   {"what": what, "kind": form.kind, "values": values, "base": base,
                                    "action": f"{library}/edit", "back": library, "problem": problem},
                                   session=visit.session, visit=visit, status=400 if problem else 200)

    async def act(self, request: web.Request) -> web.StreamResponse:
        visit, form = await self.gate.change(request)
        item_id = int(request.match_info["id"])
        action = request.match_info["action"]
        guild_id, actor = visit.guild_id, visit.actor
        try:
            if action == "edit":
                result = await self.library.edit_item(guild_id, actor, item_id, form, base=form.get("base", ""))
                note = "Saved; the previous version is kept."
            elif action == "remove":
                result = await self.library.remove_item(guild_id, actor, item_id, form.get("reason") or None)
                note = "Removed from this server."
            elif action == "restore":
                result = await self.library.restore_item(guild_id, actor, item_id)
                note = "Restored: it shows in this server again."
            else:
                flag = form.get("flag", "")
                result = await self.library.set_item_flag(guild_id, actor, item_id, flag, form.get("on") == "on")
                note = f"Turned {flag} {'on' if form.get('on') == 'on' else 'off'}."
        except UserError as exc:
            if action == "edit":
                return await self.edit_page(request, visit, item_id, form, problem=error_text(exc, visit.server))
            return await self.item_page(request, visit, item_id, problem=error_text(exc, visit.server), status=400)
        await self.dashboard.announce(visit, result.record)
        return await self.item_page(request, visit, item_id, note=note)

    async def daily(self, request: web.Request) -> web.StreamResponse:
        visit = await self.gate.page(request)
        # Moderators only, as /daily status: the gate has just asked the bot.
        status = await self.dashboard.parts.daily.setup.status(visit.guild_id)
        recent = [p for p in (status.last, *status.problems) if p is not None]
        # The site speaks English: each post's note (the ledger keeps it as data) in English words.
        show = show_for(visit.server)
        notes = {p.id: note_english(note, show) if (note := decode_note(p.error)) else "" for p in recent}
        return self.dashboard.page(request, "dashboard/daily.html", f"Daily posts · {visit.server.name}",
                                   {"status": status, "recent": recent, "notes": notes}, session=visit.session,
                                   visit=visit)
