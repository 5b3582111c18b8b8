-- A message that Meta failed after accepting it (a failed status) can be replayed: it is sent
-- again under a new wamid, and the old one is kept here so that its late statuses change nothing.
ALTER TABLE hub_message ADD COLUMN superseded_wamid VARCHAR(128);
