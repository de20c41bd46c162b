-- Daily posts: each server's schedule, and a ledger with one row per server, kind and local date.
-- The server's time zone stays in guild_settings.timezone, which /discussion today reads too.

CREATE TABLE daily_schedules (
    guild_id    INTEGER PRIMARY KEY,
    channel_id  INTEGER NOT NULL,
    post_time   TEXT    NOT NULL,                 -- local wall time, 'HH:MM'
    kinds       TEXT    NOT NULL CHECK (kinds IN ('discussion', 'joke', 'both')),
    role_id     INTEGER,                          -- the role to ping, if any
    thread      INTEGER NOT NULL DEFAULT 1,
    enabled     INTEGER NOT NULL DEFAULT 1,
    -- The next occurrence the scheduler has not handled yet: its local date and its UTC moment.
    -- The scheduler sleeps until the smallest next_due, so it never reads every schedule.
    next_date   TEXT    NOT NULL,
    next_due    TEXT    NOT NULL,
    updated_at  TEXT    NOT NULL
);
CREATE INDEX daily_schedules_due ON daily_schedules (next_due) WHERE enabled = 1;

-- The ledger. A row is claimed (status 'sending', with a fresh nonce) in the same transaction
-- that moves the schedule past the occurrence, before anything is sent; the message id is
-- recorded when Discord answers. UNIQUE (guild_id, kind, local_date) is what makes a post
-- happen once per local date whoever asks (scheduler, catch-up, /daily post-now).
CREATE TABLE daily_posts (
    id            INTEGER PRIMARY KEY,
    guild_id      INTEGER NOT NULL,
    kind          TEXT    NOT NULL CHECK (kind IN ('joke', 'discussion')),
    local_date    TEXT    NOT NULL,
    status        TEXT    NOT NULL CHECK (status IN ('sending', 'sent', 'failed', 'missed')),
    channel_id    INTEGER NOT NULL,
    role_id       INTEGER,
    want_thread   INTEGER NOT NULL DEFAULT 0,
    manual        INTEGER NOT NULL DEFAULT 0,     -- posted with /daily post-now
    item_id       INTEGER REFERENCES items (id),
    nonce         TEXT,
    attempts      INTEGER NOT NULL DEFAULT 0,     -- sends started; above 0 a message may exist
    due_at        TEXT    NOT NULL,
    claimed_at    TEXT    NOT NULL,
    posted_at     TEXT,
    message_id    INTEGER,
    thread_id     INTEGER,
    thread_error  TEXT,
    error         TEXT,
    UNIQUE (guild_id, kind, local_date)
);
CREATE INDEX daily_posts_pending ON daily_posts (status) WHERE status = 'sending';
CREATE INDEX daily_posts_guild ON daily_posts (guild_id, claimed_at);
