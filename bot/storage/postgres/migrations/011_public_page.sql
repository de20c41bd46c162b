-- A server's moderators may show the server's own content on the web site (as SQLite's 011).
ALTER TABLE guild_settings ADD COLUMN public_page BIGINT NOT NULL DEFAULT 0;
