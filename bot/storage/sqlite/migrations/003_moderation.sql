-- Moderation: member suggestions and reports (the review queue), item versions and the action log.

-- One row per thing a moderator decides: a member's suggestion, or the open reports on one item
-- in one server. Content added by a moderator is a case too, decided at once, so every piece of
-- server content traces back to a case and its key (g<guild>-<case>) needs no counter.
CREATE TABLE review_cases (
    id              INTEGER PRIMARY KEY,
    guild_id        INTEGER NOT NULL,
    type            TEXT    NOT NULL CHECK (type IN ('suggestion', 'report', 'addition')),
    status          TEXT    NOT NULL DEFAULT 'pending'
                            CHECK (status IN ('pending', 'approved', 'rejected', 'kept', 'removed')),
    kind            TEXT    NOT NULL CHECK (kind IN ('joke', 'discussion')),
    -- The member who suggested (or the moderator who added), or who reported first.
    user_id         INTEGER NOT NULL,
    -- A report's item, or the item an approved suggestion became.
    item_id         INTEGER REFERENCES items (id) ON DELETE CASCADE,
    -- Suggestions: the proposed content as JSON (body, categories, flags) and its normalised text.
    content         TEXT,
    fingerprint     TEXT,
    created_at      TEXT    NOT NULL,
    decided_at      TEXT,
    decided_by      INTEGER,
    decision_reason TEXT
);
CREATE INDEX review_cases_queue ON review_cases (guild_id, status, created_at, id);
CREATE INDEX review_cases_member ON review_cases (guild_id, user_id, type, created_at);
CREATE INDEX review_cases_item ON review_cases (item_id) WHERE item_id IS NOT NULL;
-- At most one open report case per item and server: later reports join it.
CREATE UNIQUE INDEX review_cases_open_report ON review_cases (guild_id, item_id)
    WHERE type = 'report' AND status = 'pending';

-- Each member's report on a report case; a member counts once per case.
CREATE TABLE reports (
    id         INTEGER PRIMARY KEY,
    case_id    INTEGER NOT NULL REFERENCES review_cases (id) ON DELETE CASCADE,
    user_id    INTEGER NOT NULL,
    reason     TEXT    NOT NULL,
    created_at TEXT    NOT NULL,
    UNIQUE (case_id, user_id)
);

-- The content an item had before each edit (the current content lives in items).
CREATE TABLE item_versions (
    id         INTEGER PRIMARY KEY,
    item_id    INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    content    TEXT    NOT NULL,
    edited_by  INTEGER,
    edited_at  TEXT    NOT NULL
);
CREATE INDEX item_versions_item ON item_versions (item_id, id);

-- Every moderation action: who (NULL for the bot itself), what, when, before and after.
CREATE TABLE moderation_log (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    actor_id   INTEGER,
    action     TEXT    NOT NULL,
    target     TEXT    NOT NULL,
    before     TEXT,
    after      TEXT,
    reason     TEXT,
    summary    TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX moderation_log_guild ON moderation_log (guild_id, id);
