/**
 * Connectors: one file per connected system in {@code connectors/}, each kind (sub-packages
 * {@code http}, {@code jms}) a Camel route template the file fills in. What a system emits becomes
 * a CloudEvent ({@link dev.whatsapphub.connectors.ConnectorEvents}); the statuses, replies and
 * opt-outs of the messages it caused go back in its terms
 * ({@link dev.whatsapphub.connectors.ConnectorCallbackDelivery}). Connectors depend on the core,
 * never the reverse.
 */
package dev.whatsapphub.connectors;
