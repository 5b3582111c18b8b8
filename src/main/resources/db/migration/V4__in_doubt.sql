-- claimed_at: a call to the Cloud API for this message may be under way (set before the call,
-- cleared when Meta answered with an error). A message found claimed without a wamid when it is
-- delivered again (the process died mid-call, the answer timed out) is in doubt: it waits for a
-- status naming it (in_doubt_since) and is settled by that status or by sending it again.
ALTER TABLE hub_message ADD COLUMN claimed_at TIMESTAMP WITH TIME ZONE;
ALTER TABLE hub_message ADD COLUMN in_doubt_since TIMESTAMP WITH TIME ZONE;
ALTER TABLE hub_message ADD COLUMN in_doubt_settled VARCHAR(16);
ALTER TABLE hub_message ADD COLUMN in_doubt_settled_at TIMESTAMP WITH TIME ZONE;
