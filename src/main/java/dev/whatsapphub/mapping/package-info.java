/** The mapping language: mapping files read and checked against templates, Simple expressions on events, the event router. */
package dev.whatsapphub.mapping;
