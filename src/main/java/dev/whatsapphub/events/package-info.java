/**
 * Event intake: CloudEvents from the API, the {@code hub.events} queue and connector routes, taken
 * in once per source and id, routed through the mappings, their outcome recorded; events no mapping
 * takes are kept unrouted, payloads that cannot be taken in go to a dead-letter queue
 * ({@code event-intake}).
 */
package dev.whatsapphub.events;
