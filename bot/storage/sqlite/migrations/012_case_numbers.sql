-- Each server numbers its suggestions and its report cases apart, from 1: the numbers people see
-- ("suggestion #3", "report #2"), where they saw one counter shared by every server and both kinds.
-- The id stays the key that buttons and the log refer to. A trigger gives each new case the next
-- number of its server and type, so every way a case is opened numbers it the same way.
CREATE TABLE case_numbers (
    guild_id INTEGER NOT NULL,
    type     TEXT    NOT NULL,
    last     INTEGER NOT NULL,
    PRIMARY KEY (guild_id, type)
) WITHOUT ROWID;

ALTER TABLE review_cases ADD COLUMN number INTEGER;

-- Cases opened so far: numbered in the order they were opened.
UPDATE review_cases SET number = (
    SELECT count(*) FROM review_cases earlier
     WHERE earlier.guild_id = review_cases.guild_id AND earlier.type = review_cases.type
       AND earlier.id <= review_cases.id
);
INSERT INTO case_numbers (guild_id, type, last)
SELECT guild_id, type, max(number) FROM review_cases GROUP BY guild_id, type;

CREATE UNIQUE INDEX review_cases_number ON review_cases (guild_id, type, number);

CREATE TRIGGER review_cases_numbered AFTER INSERT ON review_cases BEGIN
    INSERT INTO case_numbers (guild_id, type, last) VALUES (NEW.guild_id, NEW.type, 1)
        ON CONFLICT (guild_id, type) DO UPDATE SET last = last + 1;
    UPDATE review_cases
       SET number = (SELECT last FROM case_numbers WHERE guild_id = NEW.guild_id AND type = NEW.type)
     WHERE id = NEW.id;
END;
