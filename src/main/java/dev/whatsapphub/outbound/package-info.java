/** Sending: the per-sender queues, throttle, Cloud API call, retry by error class, dead letters and sender pause/resume. */
package dev.whatsapphub.outbound;
