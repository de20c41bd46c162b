-- Members: their favourites (the ⭐ Save button), and per-server cooldowns on /joke and /mood
-- (as SQLite's 010). Saved in a server, listed in that server.
CREATE TABLE favorites (
    user_id  BIGINT NOT NULL,
    guild_id BIGINT NOT NULL,
    item_id  BIGINT NOT NULL REFERENCES items (id) ON DELETE CASCADE,
    saved_at TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (user_id, guild_id, item_id)
);
CREATE INDEX favorites_list ON favorites (user_id, guild_id, saved_at);

-- How many members saved an item (everywhere, and per server), kept in step by triggers. A save
-- counts as half a 👍 in the ranking score: score = wilson(up + saves / 2, down), so the vote
-- triggers' functions are replaced with that score; the tallies on the buttons stay the votes alone.
ALTER TABLE items ADD COLUMN saves BIGINT NOT NULL DEFAULT 0;
ALTER TABLE guild_item_stats ADD COLUMN saves BIGINT NOT NULL DEFAULT 0;

-- wilson() for a half-counted save: the same steps in floating point.
CREATE FUNCTION wilson(up DOUBLE PRECISION, down DOUBLE PRECISION) RETURNS DOUBLE PRECISION
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN n = 0 THEN 0.0::float8 ELSE
        ((phat + z * z / (2 * n)) - z * sqrt((phat * (1 - phat) + z * z / (4 * n)) / n)) / (1 + z * z / n) END
      FROM (SELECT (up + down)::float8 AS n, 1.96::float8 AS z,
                   CASE WHEN up + down = 0 THEN 0.0::float8 ELSE up::float8 / (up + down) END AS phat) AS v
$$;

CREATE OR REPLACE FUNCTION votes_counted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    plus BIGINT := CASE WHEN NEW.value = 1 THEN 1 ELSE 0 END;
    minus BIGINT := CASE WHEN NEW.value = -1 THEN 1 ELSE 0 END;
BEGIN
    UPDATE items SET up = up + plus, down = down + minus,
                     score = wilson((up + plus + saves * 0.5)::float8, (down + minus)::float8)
     WHERE id = NEW.item_id;
    INSERT INTO guild_item_stats AS s (guild_id, item_id, kind, up, down, score)
    SELECT NEW.guild_id, NEW.item_id, kind, plus, minus, wilson(plus, minus) FROM items WHERE id = NEW.item_id
        ON CONFLICT (guild_id, item_id) DO UPDATE SET
           up = s.up + excluded.up, down = s.down + excluded.down,
           score = wilson((s.up + excluded.up + s.saves * 0.5)::float8, (s.down + excluded.down)::float8);
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION votes_uncounted() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    plus BIGINT := CASE WHEN OLD.value = 1 THEN 1 ELSE 0 END;
    minus BIGINT := CASE WHEN OLD.value = -1 THEN 1 ELSE 0 END;
BEGIN
    UPDATE items SET up = up - plus, down = down - minus,
                     score = wilson((up - plus + saves * 0.5)::float8, (down - minus)::float8)
     WHERE id = OLD.item_id;
    UPDATE guild_item_stats SET up = up - plus, down = down - minus,
                                score = wilson((up - plus + saves * 0.5)::float8, (down - minus)::float8)
     WHERE guild_id = OLD.guild_id AND item_id = OLD.item_id;
    RETURN NULL;
END $$;

CREATE OR REPLACE FUNCTION votes_switched() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE items SET up = up + NEW.value, down = down - NEW.value,
                     score = wilson((up + NEW.value + saves * 0.5)::float8, (down - NEW.value)::float8)
     WHERE id = NEW.item_id;
    UPDATE guild_item_stats SET up = up + NEW.value, down = down - NEW.value,
                                score = wilson((up + NEW.value + saves * 0.5)::float8, (down - NEW.value)::float8)
     WHERE guild_id = NEW.guild_id AND item_id = NEW.item_id;
    RETURN NULL;
END $$;

CREATE FUNCTION favorites_saved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE items SET saves = saves + 1, score = wilson((up + (saves + 1) * 0.5)::float8, down::float8)
     WHERE id = NEW.item_id;
    INSERT INTO guild_item_stats AS s (guild_id, item_id, kind, saves, score)
    SELECT NEW.guild_id, NEW.item_id, kind, 1, wilson(0.5::float8, 0::float8) FROM items WHERE id = NEW.item_id
        ON CONFLICT (guild_id, item_id) DO UPDATE SET
           saves = s.saves + 1, score = wilson((s.up + (s.saves + 1) * 0.5)::float8, s.down::float8);
    RETURN NULL;
END $$;
CREATE TRIGGER favorites_saved AFTER INSERT ON favorites FOR EACH ROW EXECUTE FUNCTION favorites_saved();

CREATE FUNCTION favorites_unsaved() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE items SET saves = saves - 1, score = wilson((up + (saves - 1) * 0.5)::float8, down::float8)
     WHERE id = OLD.item_id;
    UPDATE guild_item_stats SET saves = saves - 1, score = wilson((up + (saves - 1) * 0.5)::float8, down::float8)
     WHERE guild_id = OLD.guild_id AND item_id = OLD.item_id;
    RETURN NULL;
END $$;
CREATE TRIGGER favorites_unsaved AFTER DELETE ON favorites FOR EACH ROW EXECUTE FUNCTION favorites_unsaved();

-- A server's own cooldown on /joke and /mood, in seconds per member (NULL: the configured default; 0: none).
ALTER TABLE guild_settings ADD COLUMN joke_cooldown BIGINT, ADD COLUMN mood_cooldown BIGINT;
