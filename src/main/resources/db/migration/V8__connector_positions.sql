-- Where a connector reading a stream (Salesforce's Pub/Sub API) stands in each topic: the replay
-- id of the last event safely taken in, so a restart resumes right after it. A replay id the
-- system no longer knows is recorded with what was done about it.
CREATE TABLE connector_position (
    connector       VARCHAR(64)  NOT NULL,
    topic           VARCHAR(255) NOT NULL,
    replay_id       VARCHAR(255),
    events          BIGINT       NOT NULL,
    updated_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    invalid_replay_id VARCHAR(255),
    invalid_at      TIMESTAMP WITH TIME ZONE,
    resumed_from    VARCHAR(16),
    CONSTRAINT pk_connector_position PRIMARY KEY (connector, topic)
);
