"""The moderators' dashboard: their servers, and for each the review queue, the audit log and the
settings (the library and the daily posts are in :mod:`web.dashboard_library`).

Every page checks the visitor through :class:`web.moderators.Gate` (the bot says, at this visit,
whether they moderate the server); every change is a POST with the session's CSRF token, goes
through the same moderation services as the slash commands, is recorded in the audit log by them,
and is handed to the bot for the server's mod-log channel.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from aiohttp import web

from bot.errors import UserError
from bot.models import FLAGS
from bot.records import ActionRecord
from bot.services.moderation import AlreadyDecided, Decision, EditConflict
from bot.services.moderation.settings import THRESHOLD_MAX
from web.moderators import DashboardParts, Gate, Visit, action_text, error_text
from web.sessions import Session
from web.shared import Meta, Renderer

CASE_ACTIONS = ("approve", "reject", "keep", "remove", "flag", "edit")
TOGGLES = ("safe_mode", "suggestions_enabled", "public_page")


def outcome(decision: Decision) -> str:
    case = decision.case
    if case.status == "approved" and decision.item is not None:
        return f"Approved suggestion #{case.id}: it is now {case.kind} #{decision.item.id}."
    if case.status == "rejected":
        return f"Rejected suggestion #{case.id}; the member is told why."
    if case.status == "kept":
        return f"Kept {case.kind} #{case.item_id} (report case #{case.id})."
    return f"Removed {case.kind} #{case.item_id} (report case #{case.id})."


class Dashboard:
    def __init__(self, site: Renderer, parts: DashboardParts, gate: Gate) -> None:
        self.site = site
        self.parts = parts
        self.gate = gate
        self.moderation = parts.moderation

    # --- shared --------------------------------------------------------------------------------

    def page(self, request: web.Request, template: str, title: str, context: Mapping[str, Any], *,
             session: Session | None, visit: Visit | None = None, status: int = 200) -> web.StreamResponse:
        base = {"session": session, "visit": visit, "server": visit.server if visit else None,
                "csrf": session.csrf if session else "", "note": None, "problem": None, "flags": FLAGS}
        return self.site.render(request, template, {**base, **context}, lambda: {"title": title},
                                meta=Meta(f"{title} · Banter dashboard"), status=status)

    async def announce(self, visit: Visit, *records: ActionRecord | None, decision: Decision | None = None) -> None:
        await self.parts.link.announce(visit.guild_id, *records, decision=decision)

    # --- the list of servers -------------------------------------------------------------------

    async def index(self, request: web.Request) -> web.StreamResponse:
        if self.parts.config is None:
            return self.page(request, "dashboard/off.html", "Dashboard", {}, session=None)
        session = self.gate.session(request)
        if session is None:
            return self.page(request, "dashboard/login.html", "Log in", {}, session=None)
        link = self.parts.link
        servers = []
        for guild_id in link.shared_servers(session.servers):  # BotAway with no bot attached
            if await link.moderator(guild_id, session.user_id) is not None:
                server = await link.server(guild_id)
                if server is not None:
                    servers.append(server)
        return self.page(request, "dashboard/index.html", "Your servers", {"servers": servers}, session=session)

    # --- the review queue ----------------------------------------------------------------------

    async def queue(self, request: web.Request) -> web.StreamResponse:
        return await self.queue_page(request, await self.gate.page(request))

    async def queue_page(self, request: web.Request, visit: Visit, *, note: str | None = None,
                         problem: str | None = None, status: int = 200) -> web.StreamResponse:
        cases = await self.moderation.review.queue(visit.guild_id, visit.actor)
        waiting = cases[0].waiting if cases else 0
        return self.page(request, "dashboard/queue.html", f"Review queue · {visit.server.name}",
                         {"cases": cases, "waiting": waiting, "note": note, "problem": problem},
                         session=visit.session, visit=visit, status=status)

    async def case_action(self, request: web.Request) -> web.StreamResponse:
        visit, form = await self.gate.change(request)
        action = request.match_info["action"]
        case_id = int(request.match_info["case"])
        review = self.moderation.review
        guild_id, actor = visit.guild_id, visit.actor
        try:
            if action in ("approve", "keep"):
                decide = review.approve if action == "approve" else review.keep
                decision = await decide(guild_id, actor, case_id)
                await self.announce(visit, decision.record, decision=decision)
                note = outcome(decision)
            elif action in ("reject", "remove"):
                reason = form.get("reason", "")
                decide_why = review.reject if action == "reject" else review.remove_reported
                decision = await decide_why(guild_id, actor, case_id, reason)
                await self.announce(visit, decision.record, decision=decision)
                note = outcome(decision)
            elif action == "flag":
                update = await review.toggle_case_flag(guild_id, actor, case_id, form.get("flag", ""))
                await self.announce(visit, update.record)
                note = f"Flags of case #{case_id} changed."
            else:
                update = await review.edit_case(guild_id, actor, case_id, form, base=form.get("base", ""))
                await self.announce(visit, update.record)
                note = f"Edited case #{case_id}."
        except (AlreadyDecided, EditConflict) as lost:
            return await self.queue_page(request, visit, problem=error_text(lost, visit.server), status=409)
        except UserError as exc:
            if action == "edit":
                return await self.edit_page(request, visit, case_id, form, problem=error_text(exc, visit.server))
            return await self.queue_page(request, visit, problem=error_text(exc, visit.server), status=400)
        return await self.queue_page(request, visit, note=note)

    async def case_form(self, request: web.Request) -> web.StreamResponse:
        visit = await self.gate.page(request)
        return await self.edit_page(request, visit, int(request.match_info["case"]), None)

    async def edit_page(self, request: web.Request, visit: Visit, case_id: int, sent: Mapping[str, str] | None, *,
                        problem: str | None = None) -> web.StreamResponse:
        try:
            form = await self.moderation.review.case_form(visit.guild_id, visit.actor, case_id)
        except UserError as exc:
            return await self.queue_page(request, visit, problem=error_text(exc, visit.server), status=400)
        values = dict(form.prefill) if sent is None else {k: sent.get(k, "") for k in form.prefill}
        base = form.base if sent is None else sent.get("base", form.base)
        what = f"suggestion #{case_id}" if form.item_id is None else f"{form.kind} #{form.item_id}"
        return self.page(request, "dashboard/edit.html", f"Edit {what}",
                         {"what": what, "kind": form.kind, "values": values, "base": base,
                          "action": f"/dashboard/{visit.guild_id}/cases/{case_id}/edit",
                          "back": f"/dashboard/{visit.guild_id}", "problem": problem},
                         session=visit.session, visit=visit, status=400 if problem else 200)

    # --- the audit log -------------------------------------------------------------------------

    async def audit(self, request: web.Request) -> web.StreamResponse:
        visit = await self.gate.page(request)
        records = await self.moderation.audit.actions(visit.guild_id, visit.actor, limit=100)
        rows = [(r, action_text(r, visit.server)) for r in records]
        return self.page(request, "dashboard/audit.html", f"Audit log · {visit.server.name}", {"rows": rows},
                         session=visit.session, visit=visit)

    # --- settings ------------------------------------------------------------------------------

    async def settings(self, request: web.Request) -> web.StreamResponse:
        return await self.settings_page(request, await self.gate.page(request))

    async def settings_page(self, request: web.Request, visit: Visit, *, note: str | None = None,
                            problem: str | None = None, status: int = 200) -> web.StreamResponse:
        current = await self.moderation.settings.get(visit.guild_id, visit.actor)
        return self.page(request, "dashboard/settings.html", f"Settings · {visit.server.name}",
                         {"settings": current, "default_threshold": self.moderation.access.hide_after,
                          "threshold_max": THRESHOLD_MAX, "languages": sorted(self.parts.languages),
                          "note": note, "problem": problem}, session=visit.session, visit=visit, status=status)

    async def save_settings(self, request: web.Request) -> web.StreamResponse:
        visit, form = await self.gate.change(request)
        service = self.moderation.settings
        current = await service.get(visit.guild_id, visit.actor)
        try:
            changes = self._setting_changes(visit, form, current)
            languages = form.get("languages", "").strip()
            categories = {"-".join(c.strip().lower().split()) for c in form.get("blocked_categories", "").split(",")}
            categories.discard("")
            flags = {flag for flag in FLAGS if form.get(f"flag_{flag}") == "on"}
        except UserError as exc:
            return await self.settings_page(request, visit, problem=error_text(exc, visit.server), status=400)
        records: list[ActionRecord | None] = []
        try:
            if changes:
                records.append((await service.change(visit.guild_id, visit.actor, **changes)).record)
            if languages and set(languages.replace(",", " ").split()) != set(current.languages):
                change = await service.set_languages(visit.guild_id, visit.actor, languages, self.parts.languages)
                records.append(change.record)
            for name in sorted(categories ^ set(current.blocked_categories)):
                change = await service.set_category_blocked(visit.guild_id, visit.actor, name, name in categories)
                records.append(change.record)
            for flag in sorted(flags ^ set(current.blocked_flags)):
                records.append((await service.set_flag_blocked(visit.guild_id, visit.actor, flag,
                                                               flag in flags)).record)
        except UserError as exc:
            await self.announce(visit, *records)
            return await self.settings_page(request, visit, problem=error_text(exc, visit.server), status=400)
        await self.announce(visit, *records)
        saved = any(r is not None for r in records)
        return await self.settings_page(request, visit, note="Saved." if saved else "Nothing changed.")

    def _setting_changes(self, visit: Visit, form: Mapping[str, str], current: Any) -> dict[str, object]:
        """The simple settings the form changes, each checked before anything is written."""
        wanted: dict[str, object] = {key: form.get(key) == "on" for key in TOGGLES}
        raw = form.get("report_threshold", "").strip()
        if raw and not (raw.isascii() and raw.isdigit() and 1 <= int(raw) <= THRESHOLD_MAX):
            raise UserError(f"The report threshold must be a whole number from 1 to {THRESHOLD_MAX}, or empty for "
                            f"the default. Nothing was changed.")
        wanted["report_threshold"] = int(raw) if raw else None
        for key, known in (("moderator_role_id", visit.server.roles), ("modlog_channel_id", visit.server.channels)):
            value = form.get(key, "").strip()
            if value and not (value.isdigit() and int(value) in {n.id for n in known}):
                raise UserError("That role or channel is not one of this server's. Nothing was changed.")
            wanted[key] = int(value) if value else None
        return {key: value for key, value in wanted.items() if getattr(current, key) != value}
