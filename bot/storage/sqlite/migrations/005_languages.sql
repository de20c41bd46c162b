-- The languages a server's picks draw from (a JSON list of language codes); English until a
-- moderator chooses otherwise with /settings languages.
ALTER TABLE guild_settings ADD COLUMN languages TEXT NOT NULL DEFAULT '["en"]';
