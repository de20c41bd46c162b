"""Moderation: member suggestions, reports, the review queue, editing and removing content, and
per-server settings, one module per concern:

* :mod:`.access`: who moderates, and what the parts share;
* :mod:`.text`: cleaning and checking form text, and duplicate checks;
* :mod:`.suggestions` and :mod:`.reports`: what members send in;
* :mod:`.review`: the queue and its decisions;
* :mod:`.library_admin`: adding, editing, flagging, removing and restoring items;
* :mod:`.settings`: the server's moderation settings;
* :mod:`.audit`: an action's transaction and its record, and reading the log.

Rules these keep (the cogs only translate):

* Who moderates: a member with Manage Server, or with the server's moderator role. Every
  moderator method checks this itself, whatever the command's default permissions say.
* Scope: content suggested or added in a server belongs to that server (``items.guild_id``) and
  appears only there; pack content is global. A server's moderators can hide a global item for
  their server but can edit or retire only their server's own content. Another server's items and
  cases are treated as missing, so nothing about them leaks (``/content show`` says only that the
  item is another server's own).
* Content from a form is cleaned (invisible characters dropped), refused if it carries mentions or
  links, validated with the pack rules and checked for duplicates by normalised text before
  anything is stored.
* A decision is one conditional update of a pending case, so of two moderators deciding at once one
  wins and the other is told (:class:`AlreadyDecided`).
* An edit applies only to the content its form was made from (:attr:`EditForm.base`, checked again
  inside the write transaction), so of two moderators editing at once one wins and the other is told
  (:class:`EditConflict`); nothing is overwritten unseen.
* Every action is recorded with who, what, when, before and after, in the same transaction
  (:func:`.audit.acting`), as data: the cogs write the sentences, mentions and all.
"""

from __future__ import annotations

from bot.clock import Clock
from bot.services.moderation.access import NOT_A_MODERATOR, Access, Actor, AlreadyDecided, EditConflict
from bot.services.moderation.audit import AuditTrail
from bot.services.moderation.library_admin import ActionResult, EditForm, ItemDetails, LibraryAdmin, NotShown
from bot.services.moderation.reports import ReportOutcome, Reports
from bot.services.moderation.review import CaseDetails, CaseUpdate, Decision, Review
from bot.services.moderation.settings import Settings, SettingsChange
from bot.services.moderation.suggestions import Suggestions
from bot.services.moderation.text import DISCUSSION_FORM, JOKE_FORM, REASON_MAX, NewCategories
from bot.storage import Storage

__all__ = [
    "DISCUSSION_FORM", "JOKE_FORM", "NOT_A_MODERATOR", "REASON_MAX", "ActionResult", "Actor", "AlreadyDecided",
    "CaseDetails", "CaseUpdate", "Decision", "EditConflict", "EditForm", "ItemDetails", "ModerationService",
    "NewCategories", "NotShown", "ReportOutcome", "SettingsChange",
]


class ModerationService:
    """The parts of moderation, built over one storage and clock."""

    def __init__(self, storage: Storage, clock: Clock, *, hide_after: int = 3, daily_limit: int = 5) -> None:
        self.access = Access(storage, clock, hide_after=hide_after, daily_limit=daily_limit)
        self.suggestions = Suggestions(self.access)
        self.reports = Reports(self.access)
        self.library = LibraryAdmin(self.access)
        self.review = Review(self.access, self.library)
        self.settings = Settings(self.access)
        self.audit = AuditTrail(self.access)
