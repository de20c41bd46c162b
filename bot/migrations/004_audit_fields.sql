-- The action log keeps what happened as data (which item, which case, which member, the values
-- before and after, and any numbers the action came with) instead of a sentence with Discord
-- markup in it; the bot renders the sentence when it shows an action. Rows written before this
-- keep their sentence in summary, which is now NULL for new rows. SQLite cannot drop NOT NULL
-- from a column, so the table is rebuilt; its ids stay as they were.
CREATE TABLE moderation_log_v4 (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    actor_id   INTEGER,
    action     TEXT    NOT NULL,
    target     TEXT    NOT NULL,
    -- What the action was about: the item (and its kind), the review case, the member concerned
    -- (whose suggestion was decided).
    kind       TEXT    CHECK (kind IN ('joke', 'discussion')),
    item_id    INTEGER,
    case_id    INTEGER,
    member_id  INTEGER,
    before     TEXT,
    after      TEXT,
    -- JSON: what else the action came with (the number of reports, the version kept, the flag).
    details    TEXT,
    reason     TEXT,
    -- The sentence of a row written before version 4; NULL for later rows.
    summary    TEXT,
    created_at TEXT    NOT NULL
);
INSERT INTO moderation_log_v4 (id, guild_id, actor_id, action, target, item_id, case_id, before, after, reason,
                               summary, created_at)
SELECT id, guild_id, actor_id, action, target,
       CASE WHEN target LIKE 'item:%' THEN CAST(substr(target, 6) AS INTEGER) END,
       CASE WHEN target LIKE 'case:%' THEN CAST(substr(target, 6) AS INTEGER) END,
       before, after, reason, summary, created_at
  FROM moderation_log;
DROP TABLE moderation_log;
ALTER TABLE moderation_log_v4 RENAME TO moderation_log;
CREATE INDEX moderation_log_guild ON moderation_log (guild_id, id);
