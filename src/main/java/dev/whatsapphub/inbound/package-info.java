/** What customers send: every inbound message stored once per wamid with its contact, from {@code hub.inbound}. */
package dev.whatsapphub.inbound;
