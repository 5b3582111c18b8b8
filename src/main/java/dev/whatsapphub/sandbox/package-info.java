/** A local imitation of Meta's Cloud API: send endpoint, seeded templates, signed status webhooks, fault injection. */
package dev.whatsapphub.sandbox;
