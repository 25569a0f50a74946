-- A staff account may name the directory person she is by an employee id
-- (or any identifier the directory has for her), for when the address she
-- signs in with is not the one the directory holds. The conflict rule places
-- her in the chart through it, and she leaves with the person it names.
ALTER TABLE staff ADD COLUMN employee_id TEXT;

-- The database keeps what the service checks: one person not deleted per
-- userName (whatever its case) and per email. A deleted person keeps hers.
CREATE UNIQUE INDEX directory_people_live_user_name
    ON directory_people (lower(user_name)) WHERE deleted_at IS NULL AND user_name IS NOT NULL;
CREATE UNIQUE INDEX directory_people_live_email
    ON directory_people (email_key) WHERE deleted_at IS NULL AND email_key <> '';
