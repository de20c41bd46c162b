-- The languages a server's picks draw from, a JSON list (as SQLite's 005).
ALTER TABLE guild_settings ADD COLUMN languages TEXT COLLATE "C" NOT NULL DEFAULT '["en"]';
