package dev.whatsapphub.whatsapp;

/** What the hub does with a message after the Cloud API refused it. */
public enum ErrorClass {
    /** Retry the same payload after a backoff with jitter (Meta or the network hiccupped). */
    TRANSIENT,
    /** Pace down, then retry: the number or the recipient pair is over its rate. */
    THROTTLED,
    /** Do not retry: the request or the recipient is wrong; the message fails and goes to the dead-letter queue. */
    PERMANENT,
    /** The sender itself cannot send (token, account): stop the sender, keep its messages waiting. */
    SENDER_FATAL
}
