/** Operator endpoints and health: senders, dead letters. */
package dev.whatsapphub.admin;
