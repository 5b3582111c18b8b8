/**
 * Callbacks to the connected systems: statuses, replies and opt-outs, written in the transaction
 * that caused them, delivered signed and in order per message, retried with backoff, then kept as
 * dead letters that the API lists and replays.
 */
package dev.whatsapphub.callback;
