-- Identity providers name people in their own ways (DECISIONS #6): the
-- SCIM `userName` (a UPN, an account name, an employee number) and the
-- client's `externalId` are kept beside the employee id, and every one of
-- them finds her. A person needs no email: '' stands for none.
ALTER TABLE directory_people ADD COLUMN user_name TEXT;
ALTER TABLE directory_people ADD COLUMN external_id TEXT;
