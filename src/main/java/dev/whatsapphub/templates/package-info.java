/** The template registry: templates synced from each WhatsApp Business Account and checks of template sends against them. */
package dev.whatsapphub.templates;
