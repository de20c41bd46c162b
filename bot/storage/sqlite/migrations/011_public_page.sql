-- A server's moderators may show the server's own content on the web site, at the server's own
-- address (/servers/<id>); off until they turn it on with /settings public-page.
ALTER TABLE guild_settings ADD COLUMN public_page INTEGER NOT NULL DEFAULT 0;
