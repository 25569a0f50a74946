-- Identity providers name people in their own ways (DECISIONS #6): the
-- SCIM `userName` (a UPN, an account name, an employee number) and the
-- client's `externalId` are kept beside the employee id, and every one of
-- them finds her. A person needs no email: '' stands for none.
ALTER TABLE directory_people ADD COLUMN user_name TEXT;
ALTER TABLE directory_people ADD COLUMN external_id TEXT;
-- The employee number as the sync client last sent it: it may change; the
-- employee id she was first known by stays her key, and both find her.
ALTER TABLE directory_people ADD COLUMN employee_number TEXT;
-- The User as the sync client last sent it (JSON), so that what it left
-- out reads back left out rather than as Ombud's defaults.
ALTER TABLE directory_people ADD COLUMN scim_resource TEXT;
ALTER TABLE directory_groups ADD COLUMN external_id TEXT;
