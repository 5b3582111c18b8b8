-- A sender number's shared send budget (Bucket4j's token bucket state), so that hub instances
-- on one database stay under the number's rate together.
CREATE TABLE number_budget (
    id    VARCHAR(100) PRIMARY KEY,
    state BYTEA
);
