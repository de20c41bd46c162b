-- Members: their favourites (the ⭐ Save button), and per-server cooldowns on /joke and /mood.

-- One row per member, server and saved item. Saved in a server, listed in that server: server
-- content never shows in another server's list.
CREATE TABLE favorites (
    user_id  INTEGER NOT NULL,
    guild_id INTEGER NOT NULL,
    item_id  INTEGER NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    saved_at TEXT    NOT NULL,
    PRIMARY KEY (user_id, guild_id, item_id)
) WITHOUT ROWID;
CREATE INDEX favorites_list ON favorites (user_id, guild_id, saved_at);

-- How many members saved an item (everywhere, and per server), kept in step by the triggers below.
-- A save counts as half a 👍 in the ranking score: score = wilson(up + saves / 2, down), so the
-- vote triggers are made again with that score; the tallies on the buttons stay the votes alone.
ALTER TABLE items ADD COLUMN saves INTEGER NOT NULL DEFAULT 0;
ALTER TABLE guild_item_stats ADD COLUMN saves INTEGER NOT NULL DEFAULT 0;

DROP TRIGGER votes_counted;
DROP TRIGGER votes_uncounted;
DROP TRIGGER votes_switched;

CREATE TRIGGER votes_counted AFTER INSERT ON votes BEGIN
    UPDATE items SET up = up + (NEW.value = 1), down = down + (NEW.value = -1),
                     score = wilson(up + (NEW.value = 1) + saves * 0.5, down + (NEW.value = -1))
     WHERE id = NEW.item_id;
    INSERT INTO guild_item_stats (guild_id, item_id, kind, up, down, score)
    SELECT NEW.guild_id, NEW.item_id, kind, NEW.value = 1, NEW.value = -1,
           wilson(NEW.value = 1, NEW.value = -1)
      FROM items WHERE id = NEW.item_id
        ON CONFLICT (guild_id, item_id) DO UPDATE SET
           up = up + excluded.up, down = down + excluded.down,
           score = wilson(up + excluded.up + saves * 0.5, down + excluded.down);
END;

CREATE TRIGGER votes_uncounted AFTER DELETE ON votes BEGIN
    UPDATE items SET up = up - (OLD.value = 1), down = down - (OLD.value = -1),
                     score = wilson(up - (OLD.value = 1) + saves * 0.5, down - (OLD.value = -1))
     WHERE id = OLD.item_id;
    UPDATE guild_item_stats SET up = up - (OLD.value = 1), down = down - (OLD.value = -1),
                                score = wilson(up - (OLD.value = 1) + saves * 0.5, down - (OLD.value = -1))
     WHERE guild_id = OLD.guild_id AND item_id = OLD.item_id;
END;

CREATE TRIGGER votes_switched AFTER UPDATE OF value ON votes WHEN NEW.value <> OLD.value BEGIN
    UPDATE items SET up = up + NEW.value, down = down - NEW.value,
                     score = wilson(up + NEW.value + saves * 0.5, down - NEW.value)
     WHERE id = NEW.item_id;
    UPDATE guild_item_stats SET up = up + NEW.value, down = down - NEW.value,
                                score = wilson(up + NEW.value + saves * 0.5, down - NEW.value)
     WHERE guild_id = NEW.guild_id AND item_id = NEW.item_id;
END;

CREATE TRIGGER favorites_saved AFTER INSERT ON favorites BEGIN
    UPDATE items SET saves = saves + 1, score = wilson(up + (saves + 1) * 0.5, down) WHERE id = NEW.item_id;
    INSERT INTO guild_item_stats (guild_id, item_id, kind, saves, score)
    SELECT NEW.guild_id, NEW.item_id, kind, 1, wilson(0.5, 0) FROM items WHERE id = NEW.item_id
        ON CONFLICT (guild_id, item_id) DO UPDATE SET
           saves = saves + 1, score = wilson(up + (saves + 1) * 0.5, down);
END;

CREATE TRIGGER favorites_unsaved AFTER DELETE ON favorites BEGIN
    UPDATE items SET saves = saves - 1, score = wilson(up + (saves - 1) * 0.5, down) WHERE id = OLD.item_id;
    UPDATE guild_item_stats SET saves = saves - 1, score = wilson(up + (saves - 1) * 0.5, down)
     WHERE guild_id = OLD.guild_id AND item_id = OLD.item_id;
END;

-- A server's own cooldown on /joke and /mood, in seconds per member (NULL: the bot's configured
-- default; 0: none).
ALTER TABLE guild_settings ADD COLUMN joke_cooldown INTEGER;
ALTER TABLE guild_settings ADD COLUMN mood_cooldown INTEGER;
