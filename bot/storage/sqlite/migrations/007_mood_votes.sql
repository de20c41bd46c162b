-- A vote on a joke picked for a mood says the joke suited that mood: the vote keeps the mood
-- (NULL for a vote from a plain /joke, or from a message sent before this), and each server
-- keeps a tally per mood and item beside its overall one. Triggers keep it in step inside the
-- statement that changes the vote, as for guild_item_stats.
ALTER TABLE votes ADD COLUMN mood TEXT;

CREATE TABLE mood_item_stats (
    guild_id INTEGER NOT NULL,
    mood     TEXT    NOT NULL,
    item_id  INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    up       INTEGER NOT NULL DEFAULT 0,
    down     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (guild_id, mood, item_id)
) WITHOUT ROWID;

CREATE TRIGGER votes_mood_counted AFTER INSERT ON votes WHEN NEW.mood IS NOT NULL BEGIN
    INSERT INTO mood_item_stats (guild_id, mood, item_id, up, down)
    VALUES (NEW.guild_id, NEW.mood, NEW.item_id, NEW.value = 1, NEW.value = -1)
        ON CONFLICT (guild_id, mood, item_id) DO UPDATE SET up = up + excluded.up, down = down + excluded.down;
END;

CREATE TRIGGER votes_mood_uncounted AFTER DELETE ON votes WHEN OLD.mood IS NOT NULL BEGIN
    UPDATE mood_item_stats SET up = up - (OLD.value = 1), down = down - (OLD.value = -1)
     WHERE guild_id = OLD.guild_id AND mood = OLD.mood AND item_id = OLD.item_id;
END;

-- A switched vote moves out of the mood it was cast in and into the one it is cast in now.
CREATE TRIGGER votes_mood_switched AFTER UPDATE OF value, mood ON votes
  WHEN NEW.value IS NOT OLD.value OR NEW.mood IS NOT OLD.mood BEGIN
    UPDATE mood_item_stats SET up = up - (OLD.value = 1), down = down - (OLD.value = -1)
     WHERE OLD.mood IS NOT NULL AND guild_id = OLD.guild_id AND mood = OLD.mood AND item_id = OLD.item_id;
    INSERT INTO mood_item_stats (guild_id, mood, item_id, up, down)
    SELECT NEW.guild_id, NEW.mood, NEW.item_id, NEW.value = 1, NEW.value = -1 WHERE NEW.mood IS NOT NULL
        ON CONFLICT (guild_id, mood, item_id) DO UPDATE SET up = up + excluded.up, down = down + excluded.down;
END;
