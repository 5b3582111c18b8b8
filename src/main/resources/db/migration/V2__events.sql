-- One row per CloudEvent taken in: source + id is its idempotency key, and a repeat is answered
-- from here. Messages made from an event also carry idempotency keys derived from it, so an
-- event processed twice (a crash before this row was written) still sends each message once.
CREATE TABLE hub_event (
    source       VARCHAR(1024)            NOT NULL,
    event_id     VARCHAR(512)             NOT NULL,
    type         VARCHAR(512)             NOT NULL,
    client       VARCHAR(128)             NOT NULL,
    outcome      VARCHAR(16)              NOT NULL,
    reason       VARCHAR(4000),
    messages     VARCHAR(16000),
    received_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    PRIMARY KEY (source, event_id)
);
