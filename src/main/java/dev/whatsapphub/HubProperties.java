package dev.whatsapphub;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Everything the hub needs to know about the systems around it. The sandbox profile
 * ({@code application-sandbox.yml}) fills in documented defaults; without it there are none,
 * and a missing key stops start-up naming the property.
 */
@Validated
@ConfigurationProperties("hub")
public record HubProperties(
        @NotNull Path dataDir,
        @NotEmpty(message = "name at least one connected system with an api-key (hub.clients.<name>.api-key)")
        Map<String, @Valid Client> clients,
        @NotEmpty(message = "configure at least one sender (hub.senders.<alias>.phone-number-id, waba-id, access-token, base-url)")
        Map<String, @Valid Sender> senders,
        @Valid @NotNull Webhook webhook,
        @Valid @DefaultValue Outbound outbound,
        @Valid @DefaultValue Templates templates,
        @Valid @DefaultValue Broker broker,
        @Valid @DefaultValue Store store,
        @Valid @DefaultValue Conversations conversations,
        @Valid @DefaultValue Callbacks callbacks,
        String defaultRegion,
        String defaultSender,
        // operator-edited folders, relative to the working directory unless absolute
        @DefaultValue("./routes") Path routesDir,
        @DefaultValue("./connectors") Path connectorsDir,
        @DefaultValue("1s") Duration routesPollInterval) {

    /** The sender a message without 'from' goes out from, or null when that is ambiguous. */
    public String senderOrDefault(String alias) {
        if (alias != null) {
            return alias;
        }
        return senders.size() == 1 ? senders.keySet().iterator().next() : defaultSender;
    }

    /**
     * A connected system (CRM, ERP, support desk) that calls the hub's API; {@code callbackUrl}: where
     * its messages' statuses, replies and opt-outs go unless a message names its own, signed with
     * {@code callbackSecret}; or {@code callbackQueue}, a JMS queue (a legacy system's).
     */
    public record Client(@NotBlank String apiKey, URI callbackUrl, String callbackSecret, String callbackQueue) {

        /** Whether the client has a default callback URL (an empty value, as on the command line, is none). */
        public boolean callsBack() {
            return callbackUrl != null && !callbackUrl.toString().isBlank() || callbackQueue != null && !callbackQueue.isBlank();
        }

        /** Where the client's callbacks go by default: its URL, else {@code jms:queue:<callback-queue>}. */
        public String callbackTarget() {
            return callbackUrl != null && !callbackUrl.toString().isBlank() ? callbackUrl.toString() : "jms:queue:" + callbackQueue;
        }

        @Override
        public String toString() {
            return "Client[apiKey=******, callbackUrl=" + callbackUrl + ", callbackQueue=" + callbackQueue + ", callbackSecret="
                    + (callbackSecret == null ? "none" : "******") + "]";
        }
    }

    /**
     * Delivery of callbacks: how often due ones are looked for, how many attempts with what backoff
     * before a callback is dead-lettered, how long a receiver may take, how long an attempt is
     * claimed by one instance.
     */
    public record Callbacks(@DefaultValue("200ms") Duration pollInterval, @Min(1) @DefaultValue("10") int maxAttempts,
                            @DefaultValue("1s") Duration initialBackoff, @DefaultValue("5m") Duration maxBackoff,
                            @DefaultValue("10s") Duration timeout, @DefaultValue("60s") Duration lease) {
    }

    /** A WhatsApp business phone number the hub sends from. */
    public record Sender(
            @NotBlank @Pattern(regexp = "\\d+", message = "must be the numeric phone-number id") String phoneNumberId,
            @NotBlank @Pattern(regexp = "\\d+", message = "must be the numeric WhatsApp Business Account id") String wabaId,
            String displayNumber,
            @NotBlank String accessToken,
            @NotNull URI baseUrl,
            @NotBlank @Pattern(regexp = "v\\d+\\.\\d+", message = "must look like v23.0") @DefaultValue("v23.0") String apiVersion,
            @Min(1) @DefaultValue("80") int messagesPerSecond,
            @Min(0) @DefaultValue("0") int shards,
            // customers see blue ticks on what they send as soon as the hub has stored it
            @DefaultValue("false") boolean markRead) {

        /**
         * Recipient lanes: each is a queue with one consumer in the deployment, so it keeps its
         * recipients' order and has one call in flight. 0 (the default) sizes them from the rate: a
         * lane takes a message every 150-300 ms (Meta's answer time), and recipients never spread
         * evenly, so half a second's worth of the rate keeps the tier busy.
         */
        public int effectiveShards() {
            return shards > 0 ? shards : Math.max(8, (messagesPerSecond + 1) / 2);
        }

        @Override
        public String toString() {
            return "Sender[phoneNumberId=" + phoneNumberId + ", wabaId=" + wabaId + ", baseUrl=" + baseUrl
                    + ", apiVersion=" + apiVersion + ", messagesPerSecond=" + messagesPerSecond + ", markRead=" + markRead
                    + ", accessToken=******]";
        }
    }

    public record Webhook(@NotBlank String appSecret, @NotBlank String verifyToken, @Min(1) @DefaultValue("8") int consumers) {
        @Override
        public String toString() {
            return "Webhook[appSecret=******, verifyToken=******]";
        }
    }

    public record Outbound(
            @DefaultValue("true") boolean autoStart,
            @DefaultValue("25ms") Duration throttleGuard,
            // added to the guard in the first second after a number was idle (start, resume): cold first sends
            @DefaultValue("50ms") Duration startGuard,
            // who sends for a number and keeps its rate: this process (local), or the one instance holding the
            // number's lock in PostgreSQL while the others stand by (shared); auto: shared on a standalone broker
            // with PostgreSQL, where other instances can join
            @DefaultValue("auto") PaceScope pace,
            // how often a standby instance asks whether a number is free, and an owner whether it still holds it
            @DefaultValue("1s") Duration ownershipPoll,
            // a send that may have reached Meta unanswered waits this long for a status naming it before it is sent again
            @DefaultValue("60s") Duration inDoubtHold,
            @Valid @DefaultValue PairRate pairRate,
            @DefaultValue("5s") Duration connectTimeout,
            @DefaultValue("30s") Duration responseTimeout,
            @DefaultValue("30s") Duration probeInterval,
            @DefaultValue("7d") Duration recoveryLookback,
            @Valid @DefaultValue Retry transientRetry,
            @Valid @DefaultValue Retry throttledRetry) {
    }

    public enum PaceScope { AUTO, LOCAL, SHARED }

    /** Meta's limit per business-user pair: a burst, then one message per interval to the same user. */
    public record PairRate(@Min(1) @DefaultValue("45") int burst, @DefaultValue("6s") Duration refillEvery) {
    }

    /** Retries after the first attempt, first delay, growth factor and cap. */
    public record Retry(@Min(0) @DefaultValue("5") int maxRetries, @DefaultValue("500ms") Duration initialDelay,
                        @Min(1) @DefaultValue("2") double multiplier, @DefaultValue("30s") Duration maxDelay) {
    }

    public record Templates(@DefaultValue("10m") Duration syncInterval, @DefaultValue("5s") Duration retryInterval) {
    }

    /**
     * A standalone broker: whether the hub applies its address settings through Artemis management
     * at start-up (else it only checks them), how long a management call may take, and how often
     * lane depths are read from it. The embedded broker: its TCP acceptor (CORE, AMQP, OpenWire,
     * STOMP) and the one user and password that may connect over it.
     */
    public record Broker(@DefaultValue("true") boolean applyPolicy, @DefaultValue("10s") Duration managementTimeout,
                         @DefaultValue("500ms") Duration depthPollInterval,
                         // the embedded broker's TCP acceptor, for legacy producers and consumers outside the hub
                         @DefaultValue("true") boolean tcpEnabled, @NotBlank @DefaultValue("127.0.0.1") String tcpHost,
                         @Min(0) @DefaultValue("61616") int tcpPort, String tcpUser, String tcpPassword) {

        @Override
        public String toString() {
            return "Broker[tcpEnabled=" + tcpEnabled + ", tcpHost=" + tcpHost + ", tcpPort=" + tcpPort + ", tcpUser=" + tcpUser
                    + ", tcpPassword=******]";
        }
    }

    /**
     * The embedded database's group commit: a shared checkpoint starts at most once per
     * {@code checkpointInterval}, so at a high rate each one covers more acknowledgements.
     */
    /**
     * What customers send back: {@code consumers} of {@code hub.inbound}; how often user id and phone
     * number links seen on statuses are written ({@code contactLinksInterval}); how long before
     * Meta's 24 hours the hub treats a window as closed ({@code windowMargin}); how recent the
     * contact's last message from a sender must be for a reply without context to go to its origin
     * ({@code ownerWindow}), else where it goes ({@code defaultRoute}, a Camel endpoint URI); the
     * hub's own address in callbacks' media links ({@code publicUrl}).
     */
    public record Conversations(@Min(1) @DefaultValue("4") int consumers, @DefaultValue("1s") Duration contactLinksInterval,
                                @DefaultValue("10m") Duration windowMargin, @Valid @DefaultValue OptOut optOut,
                                @DefaultValue("24h") Duration ownerWindow,
                                @NotBlank @DefaultValue("jms:queue:hub.inbound.unassigned") String defaultRoute,
                                @DefaultValue("http://localhost:8080") URI publicUrl) {
    }

    /**
     * Words a customer sends alone to stop or resume messages of {@code category} from a sender
     * (matched ignoring case, accents and surrounding punctuation).
     */
    public record OptOut(
            @DefaultValue({"STOP", "STOPP", "UNSUBSCRIBE", "CANCEL", "END", "QUIT", "BAJA", "PARAR", "ARRET", "ARRÊT", "DESABONNER",
                    "ABMELDEN", "SAIR", "CANCELAR"}) List<String> keywords,
            @DefaultValue({"START", "UNSTOP", "SUBSCRIBE", "ALTA", "REANUDAR", "ANMELDEN", "VOLTAR"}) List<String> optInKeywords,
            @Pattern(regexp = "marketing|utility|all", message = "must be marketing, utility or all") @DefaultValue("marketing")
            String category) {
    }

    public record Store(@DefaultValue("10ms") Duration checkpointInterval) {
    }
}
