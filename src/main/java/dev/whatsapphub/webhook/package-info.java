/** Webhook ingress from Meta: verify handshake, signature check, durable enqueue and fan-out of each item. */
package dev.whatsapphub.webhook;
