-- A customer of one WhatsApp Business Account. Meta's business-scoped user id (user_id) is on
-- every webhook since 2026; the phone number (wa_id) only when Meta includes it. A contact is
-- found by either, and learns the other when a webhook carries both.
CREATE TABLE contact (
    id              VARCHAR(40)  NOT NULL PRIMARY KEY,
    waba_id         VARCHAR(64)  NOT NULL,
    user_id         VARCHAR(140),
    parent_user_id  VARCHAR(140),
    wa_id           VARCHAR(32),
    username        VARCHAR(128),
    profile_name    VARCHAR(512),
    first_seen_at   TIMESTAMP WITH TIME ZONE NOT NULL,
    last_seen_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    CONSTRAINT uq_contact_user_id UNIQUE (waba_id, user_id),
    CONSTRAINT uq_contact_wa_id UNIQUE (waba_id, wa_id)
);

-- Every message a customer sent, once per wamid, with its raw webhook item.
CREATE TABLE inbound_message (
    wamid           VARCHAR(128) NOT NULL PRIMARY KEY,
    phone_number_id VARCHAR(64)  NOT NULL,
    sender          VARCHAR(64),
    contact_id      VARCHAR(40)  NOT NULL,
    type            VARCHAR(32)  NOT NULL,
    profile_name    VARCHAR(512),
    context_wamid   VARCHAR(128),
    sent_at         TIMESTAMP WITH TIME ZONE,
    received_at     TIMESTAMP WITH TIME ZONE NOT NULL,
    raw             VARCHAR      NOT NULL
);
CREATE INDEX ix_inbound_contact ON inbound_message (contact_id, received_at);

-- Media customers sent, downloaded at once (Meta's URL lives minutes) into the media store under
-- the data directory: pending until downloaded, then stored (with its checksum) or refused (why).
CREATE TABLE media_file (
    id              VARCHAR(40)   NOT NULL PRIMARY KEY,
    wamid           VARCHAR(128)  NOT NULL,
    kind            VARCHAR(16)   NOT NULL,
    meta_media_id   VARCHAR(128)  NOT NULL,
    phone_number_id VARCHAR(64)   NOT NULL,
    declared_type   VARCHAR(255),
    mime_type       VARCHAR(255),
    size_bytes      BIGINT,
    sha256          VARCHAR(64),
    path            VARCHAR(1024),
    state           VARCHAR(16)   NOT NULL,
    reason          VARCHAR(1024),
    created_at      TIMESTAMP WITH TIME ZONE NOT NULL,
    stored_at       TIMESTAMP WITH TIME ZONE,
    CONSTRAINT uq_media_file_wamid UNIQUE (wamid)
);

-- A message may go to a business-scoped user id (up to 2 + 1 + 4 + 128 characters), not only to an E.164 number.
ALTER TABLE hub_message ALTER COLUMN recipient SET DATA TYPE VARCHAR(140);

-- The 24-hour customer service window of each sender and contact: opened by every message the
-- customer sends (Meta's timestamp), closed early when Meta fails a free-form send with 131047.
CREATE TABLE customer_window (
    sender          VARCHAR(64)  NOT NULL,
    contact_id      VARCHAR(40)  NOT NULL,
    last_inbound_at TIMESTAMP WITH TIME ZONE NOT NULL,
    closed_at       TIMESTAMP WITH TIME ZONE,
    PRIMARY KEY (sender, contact_id)
);

-- fallback_payload: the template to send instead if Meta finds the window closed (131047);
-- fallback: why this message is a fallback (window_closed at acceptance, or 131047), and fallback_for
-- the message it replaces; replaced_by, on the message Meta failed, the fallback sent in its place.
ALTER TABLE hub_message ADD COLUMN fallback_payload VARCHAR;
ALTER TABLE hub_message ADD COLUMN fallback VARCHAR(32);
ALTER TABLE hub_message ADD COLUMN fallback_for VARCHAR(40);
ALTER TABLE hub_message ADD COLUMN replaced_by VARCHAR(40);
