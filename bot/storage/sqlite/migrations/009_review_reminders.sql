-- When each server's moderators were last reminded of the review queue, so that a restart never
-- sends a second reminder the same day.
CREATE TABLE review_reminders (
    guild_id    INTEGER PRIMARY KEY,
    local_date  TEXT    NOT NULL,                 -- the server's local date of the last reminder
    sent_at     TEXT    NOT NULL
);
