/**
 * Stand-ins for the business systems the connectors talk to (Salesforce, Zendesk), speaking their
 * real protocols, so the shipped connectors can be tried and tested without an org or an account.
 * They run in the hub's process in the sandbox profile, or as their own process
 * ({@link dev.whatsapphub.standin.StandaloneStandIns}). Never active in production.
 */
package dev.whatsapphub.standin;
