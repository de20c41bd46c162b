-- Members' corrections of the mood reader ("not my mood"), kept per server so that server's
-- reader learns from them at once. Only what that needs: the server, the member, what they
-- wrote, what it was read as and what they chose, and when.
CREATE TABLE mood_corrections (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    user_id    INTEGER NOT NULL,
    text       TEXT    NOT NULL CHECK (length(text) BETWEEN 1 AND 200),
    read_as    TEXT    NOT NULL,
    chosen     TEXT    NOT NULL,
    created_at TEXT    NOT NULL
);
CREATE INDEX mood_corrections_guild ON mood_corrections (guild_id, id);
