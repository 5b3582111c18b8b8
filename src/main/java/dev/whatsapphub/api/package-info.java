/** The send API over HTTP: API-key authentication, accepting messages, reading their status, problem+json errors. */
package dev.whatsapphub.api;
