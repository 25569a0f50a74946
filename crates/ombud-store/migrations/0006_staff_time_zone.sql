-- Staff see times in their own zone (without script, the browser's is unknown).
ALTER TABLE staff ADD COLUMN time_zone TEXT;
