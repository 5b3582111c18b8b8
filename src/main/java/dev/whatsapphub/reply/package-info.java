/**
 * Reply correlation and routing: a customer's message, opt-out or opt-in goes to the system that
 * caused the conversation (the quoted or tapped message's origin, else the contact's latest
 * message's), as a callback; else to the default route.
 */
package dev.whatsapphub.reply;
