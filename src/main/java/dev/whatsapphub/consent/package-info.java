/**
 * Opt-out and opt-in per sender, contact and category: from the customer's keywords (STOP, BAJA,
 * START ...), Meta's user_preferences webhook and error 131050; kept with time and source, and
 * checked when a marketing message is accepted.
 */
package dev.whatsapphub.consent;
