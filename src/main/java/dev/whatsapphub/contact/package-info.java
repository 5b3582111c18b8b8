/**
 * Who the customers are: a contact per WhatsApp Business Account, found by Meta's business-scoped
 * user id or by phone number, learned from webhooks and followed through user id changes.
 */
package dev.whatsapphub.contact;
