-- The action log keeps what happened as data (as SQLite's 004). PostgreSQL can change the table
-- in place, where SQLite had to rebuild it.
ALTER TABLE moderation_log
    ADD COLUMN kind      TEXT COLLATE "C" CHECK (kind IN ('joke', 'discussion')),
    ADD COLUMN item_id   BIGINT,
    ADD COLUMN case_id   BIGINT,
    ADD COLUMN member_id BIGINT,
    ADD COLUMN details   TEXT COLLATE "C",
    ALTER COLUMN summary DROP NOT NULL;
UPDATE moderation_log SET
    item_id = CASE WHEN target LIKE 'item:%' THEN CAST(substr(target, 6) AS BIGINT) END,
    case_id = CASE WHEN target LIKE 'case:%' THEN CAST(substr(target, 6) AS BIGINT) END;
