-- A vote keeps the mood its item was picked for, and each server a tally per mood and item,
-- kept in step by triggers (as SQLite's 007).
ALTER TABLE votes ADD COLUMN mood TEXT COLLATE "C";

CREATE TABLE mood_item_stats (
    guild_id BIGINT NOT NULL,
    mood     TEXT COLLATE "C" NOT NULL,
    item_id  BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    up       BIGINT NOT NULL DEFAULT 0,
    down     BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, mood, item_id)
);

CREATE FUNCTION votes_mood_counted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO mood_item_stats AS m (guild_id, mood, item_id, up, down)
    VALUES (NEW.guild_id, NEW.mood, NEW.item_id, CASE WHEN NEW.value = 1 THEN 1 ELSE 0 END,
            CASE WHEN NEW.value = -1 THEN 1 ELSE 0 END)
        ON CONFLICT (guild_id, mood, item_id) DO UPDATE SET up = m.up + excluded.up, down = m.down + excluded.down;
    RETURN NULL;
END $$;
CREATE TRIGGER votes_mood_counted AFTER INSERT ON votes
    FOR EACH ROW WHEN (NEW.mood IS NOT NULL) EXECUTE FUNCTION votes_mood_counted();

CREATE FUNCTION votes_mood_uncounted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE mood_item_stats SET up = up - CASE WHEN OLD.value = 1 THEN 1 ELSE 0 END,
                               down = down - CASE WHEN OLD.value = -1 THEN 1 ELSE 0 END
     WHERE guild_id = OLD.guild_id AND mood = OLD.mood AND item_id = OLD.item_id;
    RETURN NULL;
END $$;
CREATE TRIGGER votes_mood_uncounted AFTER DELETE ON votes
    FOR EACH ROW WHEN (OLD.mood IS NOT NULL) EXECUTE FUNCTION votes_mood_uncounted();

-- A switched vote moves out of the mood it was cast in and into the one it is cast in now.
CREATE FUNCTION votes_mood_switched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF OLD.mood IS NOT NULL THEN
        UPDATE mood_item_stats SET up = up - CASE WHEN OLD.value = 1 THEN 1 ELSE 0 END,
                                   down = down - CASE WHEN OLD.value = -1 THEN 1 ELSE 0 END
         WHERE guild_id = OLD.guild_id AND mood = OLD.mood AND item_id = OLD.item_id;
    END IF;
    IF NEW.mood IS NOT NULL THEN
        INSERT INTO mood_item_stats AS m (guild_id, mood, item_id, up, down)
        VALUES (NEW.guild_id, NEW.mood, NEW.item_id, CASE WHEN NEW.value = 1 THEN 1 ELSE 0 END,
                CASE WHEN NEW.value = -1 THEN 1 ELSE 0 END)
            ON CONFLICT (guild_id, mood, item_id) DO UPDATE SET up = m.up + excluded.up, down = m.down + excluded.down;
    END IF;
    RETURN NULL;
END $$;
CREATE TRIGGER votes_mood_switched AFTER UPDATE OF value, mood ON votes
    FOR EACH ROW WHEN (NEW.value IS DISTINCT FROM OLD.value OR NEW.mood IS DISTINCT FROM OLD.mood)
    EXECUTE FUNCTION votes_mood_switched();
