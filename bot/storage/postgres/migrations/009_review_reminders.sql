-- When each server's moderators were last reminded of the review queue, so that a restart never
-- sends a second reminder the same day (as SQLite's 009).
CREATE TABLE review_reminders (
    guild_id    BIGINT PRIMARY KEY,
    local_date  TEXT COLLATE "C" NOT NULL,
    sent_at     TEXT COLLATE "C" NOT NULL
);
