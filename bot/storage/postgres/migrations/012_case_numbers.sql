-- Each server numbers its suggestions and its report cases apart, from 1 (as SQLite's 012). A
-- trigger gives each new case the next number of its server and type. A case that arrives with its
-- number already (migrate-db copying a SQLite database) keeps it.
CREATE TABLE case_numbers (
    guild_id BIGINT NOT NULL,
    type     TEXT COLLATE "C" NOT NULL,
    last     BIGINT NOT NULL,
    PRIMARY KEY (guild_id, type)
);

ALTER TABLE review_cases ADD COLUMN number BIGINT;

UPDATE review_cases SET number = (
    SELECT count(*) FROM review_cases earlier
     WHERE earlier.guild_id = review_cases.guild_id AND earlier.type = review_cases.type
       AND earlier.id <= review_cases.id
);
INSERT INTO case_numbers (guild_id, type, last)
SELECT guild_id, type, max(number) FROM review_cases GROUP BY guild_id, type;

CREATE UNIQUE INDEX review_cases_number ON review_cases (guild_id, type, number);

CREATE FUNCTION review_cases_numbered() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO case_numbers AS c (guild_id, type, last) VALUES (NEW.guild_id, NEW.type, 1)
        ON CONFLICT (guild_id, type) DO UPDATE SET last = c.last + 1
        RETURNING last INTO NEW.number;
    RETURN NEW;
END $$;
CREATE TRIGGER review_cases_numbered BEFORE INSERT ON review_cases
    FOR EACH ROW WHEN (NEW.number IS NULL) EXECUTE FUNCTION review_cases_numbered();
