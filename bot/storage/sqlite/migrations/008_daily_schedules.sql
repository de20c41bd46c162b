-- Several daily schedules per server (one per channel), each on chosen days, with a pause.
-- The ledger is claimed per schedule, kind and local date instead of per server.
-- Existing schedules keep their settings (every day, no pause) and their ledger rows.

-- AUTOINCREMENT: a removed schedule's id is never given to a new one, so the ledger rows it
-- leaves behind (the archive reads them) can never be taken for the new schedule's.
CREATE TABLE daily_schedules_008 (
    id            INTEGER PRIMARY KEY AUTOINCREMENT,
    guild_id      INTEGER NOT NULL,
    channel_id    INTEGER NOT NULL,
    post_time     TEXT    NOT NULL,               -- local wall time, 'HH:MM'
    kinds         TEXT    NOT NULL CHECK (kinds IN ('discussion', 'joke', 'both')),
    role_id       INTEGER,
    thread        INTEGER NOT NULL DEFAULT 1,
    enabled       INTEGER NOT NULL DEFAULT 1,
    -- The days it posts on: bit n set for date.weekday() == n (127: every day), or, with
    -- every_days above 1, every that many days counted from anchor_date.
    weekdays      INTEGER NOT NULL DEFAULT 127 CHECK (weekdays BETWEEN 1 AND 127),
    every_days    INTEGER NOT NULL DEFAULT 1 CHECK (every_days BETWEEN 1 AND 365),
    anchor_date   TEXT,
    -- A pause: local dates from paused_from to paused_until (both included) post nothing.
    paused_from   TEXT,
    paused_until  TEXT,
    next_date     TEXT    NOT NULL,
    next_due      TEXT    NOT NULL,
    revision      INTEGER NOT NULL DEFAULT 0,     -- counts changes: a claim checks it read the latest
    updated_at    TEXT    NOT NULL,
    UNIQUE (guild_id, channel_id),
    CHECK (every_days = 1 OR anchor_date IS NOT NULL),
    CHECK ((paused_from IS NULL) = (paused_until IS NULL))
);
INSERT INTO daily_schedules_008 (guild_id, channel_id, post_time, kinds, role_id, thread, enabled, next_date,
                                 next_due, updated_at)
    SELECT guild_id, channel_id, post_time, kinds, role_id, thread, enabled, next_date, next_due, updated_at
      FROM daily_schedules ORDER BY guild_id;
DROP TABLE daily_schedules;
ALTER TABLE daily_schedules_008 RENAME TO daily_schedules;
CREATE INDEX daily_schedules_due ON daily_schedules (next_due) WHERE enabled = 1;

-- schedule_id has no foreign key: a schedule's posts stay in the ledger (and the archive) after
-- the schedule is removed.
CREATE TABLE daily_posts_008 (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    schedule_id   INTEGER,
    kind          TEXT    NOT NULL CHECK (kind IN ('joke', 'discussion')),
    local_date    TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'missed')),
    channel_id    INTEGER NOT NULL,
    role_id       INTEGER,
    want_thread   INTEGER NOT NULL DEFAULT 0,
    manual        INTEGER NOT NULL DEFAULT 0,
    item_id       INTEGER REFERENCES items (id),
    nonce         TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,
    due_at        TEXT    NOT NULL,
    claimed_at    TEXT    NOT NULL,
    posted_at     TEXT,
    message_id    INTEGER,
    thread_id     INTEGER,
    thread_error  TEXT,
    error         TEXT,
    UNIQUE (schedule_id, kind, local_date)
);
INSERT INTO daily_posts_008 (id, guild_id, schedule_id, kind, local_date, status, channel_id, role_id,
                             want_thread, manual, item_id, nonce, attempts, due_at, claimed_at, posted_at,
                             message_id, thread_id, thread_error, error)
    SELECT p.id, p.guild_id, (SELECT s.id FROM daily_schedules s WHERE s.guild_id = p.guild_id), p.kind,
           p.local_date, p.status, p.channel_id, p.role_id, p.want_thread, p.manual, p.item_id, p.nonce,
           p.attempts, p.due_at, p.claimed_at, p.posted_at, p.message_id, p.thread_id, p.thread_error, p.error
      FROM daily_posts p;
DROP TABLE daily_posts;
ALTER TABLE daily_posts_008 RENAME TO daily_posts;
CREATE INDEX daily_posts_pending ON daily_posts (status) WHERE status = 'sending';
CREATE INDEX daily_posts_guild ON daily_posts (guild_id, claimed_at);
CREATE INDEX daily_posts_date ON daily_posts (guild_id, local_date);
-- The archive: a server's sent discussions, newest first.
CREATE INDEX daily_posts_archive ON daily_posts (guild_id, local_date DESC, id DESC)
    WHERE kind = 'discussion' AND status = 'sent';
