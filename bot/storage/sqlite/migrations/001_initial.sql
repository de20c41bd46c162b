-- The content library, votes, pick history and per-server settings.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- One row per joke or discussion. Pack content has guild_id NULL (global);
-- content added in a server belongs to that server.
CREATE TABLE items (
    id           INTEGER PRIMARY KEY,
    kind         TEXT    NOT NULL CHECK (kind IN ('joke', 'discussion')),
    key          TEXT    NOT NULL,
    guild_id     INTEGER,
    origin       TEXT    NOT NULL,
    status       TEXT    NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
    body         TEXT    NOT NULL,
    flags        INTEGER NOT NULL DEFAULT 0,
    language     TEXT    NOT NULL DEFAULT 'en',
    credit       TEXT    NOT NULL DEFAULT '',
    content_hash TEXT    NOT NULL,
    -- A uniform random number fixed at insert: picking seeks to a random point in an index
    -- ordered by it instead of scanning or sorting the table.
    rand         REAL    NOT NULL,
    up           INTEGER NOT NULL DEFAULT 0,
    down         INTEGER NOT NULL DEFAULT 0,
    score        REAL    NOT NULL DEFAULT 0,
    -- Categories and moods as a JSON list, so one read gives a whole item; item_tags below
    -- is the index that filtered picks seek into.
    tags         TEXT    NOT NULL DEFAULT '[]',
    created_at   TEXT    NOT NULL,
    updated_at   TEXT    NOT NULL,
    UNIQUE (kind, key)
);
CREATE INDEX items_pick ON items (kind, status, rand);
CREATE INDEX items_top ON items (kind, status, score DESC);
CREATE INDEX items_guild ON items (guild_id) WHERE guild_id IS NOT NULL;

-- Categories and moods, with the item's rand copied so a filtered pick is one index range.
CREATE TABLE item_tags (
    tag     TEXT    NOT NULL,
    item_id INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    rand    REAL    NOT NULL,
    PRIMARY KEY (tag, item_id)
);
CREATE INDEX item_tags_pick ON item_tags (tag, rand);
CREATE INDEX item_tags_item ON item_tags (item_id);

CREATE VIRTUAL TABLE items_fts USING fts5 (text, tokenize = 'porter unicode61 remove_diacritics 2');

CREATE TABLE votes (
    item_id  INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    guild_id INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    value    INTEGER NOT NULL CHECK (value IN (-1, 1)),
    voted_at TEXT    NOT NULL,
    PRIMARY KEY (item_id, guild_id, user_id)
) WITHOUT ROWID;

-- Per-server tallies, kept in step with votes in the same transaction.
CREATE TABLE guild_item_stats (
    guild_id INTEGER NOT NULL,
    item_id  INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    kind     TEXT    NOT NULL,
    up       INTEGER NOT NULL DEFAULT 0,
    down     INTEGER NOT NULL DEFAULT 0,
    score    REAL    NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, item_id)
) WITHOUT ROWID;
CREATE INDEX guild_item_stats_top ON guild_item_stats (guild_id, kind, score DESC);

-- Tallies follow the votes inside the statement that changes a vote, so a click is one
-- atomic statement. wilson(up, down) is registered by bot.db on every connection the bot
-- opens; a tool without it cannot change votes (the statement fails whole), which keeps the
-- tallies true.
CREATE TRIGGER votes_counted AFTER INSERT ON votes BEGIN
    UPDATE items SET up = up + (NEW.value = 1), down = down + (NEW.value = -1),
                     score = wilson(up + (NEW.value = 1), down + (NEW.value = -1))
     WHERE id = NEW.item_id;
    INSERT INTO guild_item_stats (guild_id, item_id, kind, up, down, score)
    SELECT NEW.guild_id, NEW.item_id, kind, NEW.value = 1, NEW.value = -1,
           wilson(NEW.value = 1, NEW.value = -1)
      FROM items WHERE id = NEW.item_id
        ON CONFLICT (guild_id, item_id) DO UPDATE SET
           up = up + excluded.up, down = down + excluded.down,
           score = wilson(up + excluded.up, down + excluded.down);
END;

CREATE TRIGGER votes_uncounted AFTER DELETE ON votes BEGIN
    UPDATE items SET up = up - (OLD.value = 1), down = down - (OLD.value = -1),
                     score = wilson(up - (OLD.value = 1), down - (OLD.value = -1))
     WHERE id = OLD.item_id;
    UPDATE guild_item_stats SET up = up - (OLD.value = 1), down = down - (OLD.value = -1),
                                score = wilson(up - (OLD.value = 1), down - (OLD.value = -1))
     WHERE guild_id = OLD.guild_id AND item_id = OLD.item_id;
END;

CREATE TRIGGER votes_switched AFTER UPDATE OF value ON votes WHEN NEW.value <> OLD.value BEGIN
    UPDATE items SET up = up + NEW.value, down = down - NEW.value,
                     score = wilson(up + NEW.value, down - NEW.value)
     WHERE id = NEW.item_id;
    UPDATE guild_item_stats SET up = up + NEW.value, down = down - NEW.value,
                                score = wilson(up + NEW.value, down - NEW.value)
     WHERE guild_id = NEW.guild_id AND item_id = NEW.item_id;
END;

-- What was shown where: scope_id is a channel id for picks, the negated guild id for the pick of
-- the day (a scope no channel can have: see bot.repositories.history.daily_scope).
CREATE TABLE history (
    scope_id INTEGER NOT NULL,
    kind     TEXT    NOT NULL,
    item_id  INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    guild_id INTEGER,
    shown_at TEXT    NOT NULL,
    PRIMARY KEY (scope_id, kind, item_id)
) WITHOUT ROWID;
CREATE INDEX history_age ON history (scope_id, kind, shown_at);
CREATE INDEX history_item ON history (item_id);

CREATE TABLE guild_settings (
    guild_id            INTEGER PRIMARY KEY,
    safe_mode           INTEGER NOT NULL DEFAULT 1,
    timezone            TEXT    NOT NULL DEFAULT 'UTC',
    moderator_role_id   INTEGER,
    suggestions_enabled INTEGER NOT NULL DEFAULT 1,
    report_threshold    INTEGER,
    modlog_channel_id   INTEGER,
    blocked_categories  TEXT    NOT NULL DEFAULT '[]',
    blocked_flags       INTEGER NOT NULL DEFAULT 0
);

-- The topic (or joke) of the day, chosen once per server and local date.
CREATE TABLE daily_picks (
    guild_id   INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    local_date TEXT    NOT NULL,
    item_id    INTEGER NOT NULL REFERENCES items (id),
    PRIMARY KEY (guild_id, kind, local_date)
) WITHOUT ROWID;

-- Items a server has hidden for itself (moderation, reports).
CREATE TABLE guild_hidden (
    guild_id  INTEGER NOT NULL,
    item_id   INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    reason    TEXT    NOT NULL,
    hidden_at TEXT    NOT NULL,
    PRIMARY KEY (guild_id, item_id)
) WITHOUT ROWID;
