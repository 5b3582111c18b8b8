/** The Cloud API contract as the hub uses it: error bodies, the error-code table, webhook signatures. */
package dev.whatsapphub.whatsapp;
