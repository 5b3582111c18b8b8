/** Durable state in the database: messages, their status history and idempotency keys. */
package dev.whatsapphub.store;
