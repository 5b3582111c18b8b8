-- The support desk's tickets the hub opened for conversations no business system owns: whose
-- conversation each is (the contact, the sender the customer wrote to, where to answer), and which
-- customer messages are on them already, so a message delivered twice is one comment: a message is
-- 'pending' from before the desk is called until it is 'done' (a pending one found after a crash
-- is looked for on the desk before it is written again).
CREATE TABLE support_ticket (
    connector       VARCHAR(64)  NOT NULL,
    ticket_id       BIGINT       NOT NULL,
    contact_id      VARCHAR(64)  NOT NULL,
    sender          VARCHAR(64)  NOT NULL,
    recipient       VARCHAR(140) NOT NULL,
    requester_id    BIGINT       NOT NULL,
    opened_at       TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_support_ticket PRIMARY KEY (connector, ticket_id)
);
CREATE INDEX ix_support_ticket_contact ON support_ticket (connector, contact_id, opened_at);

CREATE TABLE support_comment (
    connector       VARCHAR(64)  NOT NULL,
    wamid           VARCHAR(255) NOT NULL,
    state           VARCHAR(8)   NOT NULL,
    ticket_id       BIGINT,
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT pk_support_comment PRIMARY KEY (connector, wamid)
);
