/** Delivery statuses: the monotonic state machine sent, delivered, read (or failed) applied to stored messages. */
package dev.whatsapphub.status;
