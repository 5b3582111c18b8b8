package dev.whatsapphub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whatsapphub.sandbox.SandboxProperties.PhoneNumber;
import dev.whatsapphub.whatsapp.WebhookSignature;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.util.Timeout;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts webhooks to the hub as Meta does: the envelope, compact JSON with non-ASCII and '/'
 * escaped, signed over the exact bytes; items due at the same moment share a post; a post the
 * hub does not answer with 200 is sent again with backoff until the redelivery window has passed.
 */
class SandboxWebhooks implements AutoCloseable {

    /** A status or inbound message for the hub; {@code field} is "statuses" or "messages". */
    record Item(PhoneNumber number, String field, ObjectNode item, SandboxCustomers.Customer customer) {
    }

    private static final Logger log = LoggerFactory.getLogger(SandboxWebhooks.class);
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final SandboxProperties properties;
    private final ScheduledExecutorService timer = Executors.newScheduledThreadPool(1, daemon("sandbox-webhook-timer"));
    private final LinkedBlockingQueue<Item> ready = new LinkedBlockingQueue<>();
    private final Semaphore inFlight;
    private final AtomicInteger turn = new AtomicInteger();
    // blocking posts on a fixed pool, one thread per post in flight: the JDK's HttpClient started a
    // thread per completed request on a 2-core machine (CompletableFuture's default executor), which
    // with its selector thread took more than half of the sandbox's CPU in a benchmark
    private final ExecutorService posters;
    private final CloseableHttpClient http;
    private final Thread dispatcher;
    private volatile boolean running = true;

    SandboxWebhooks(SandboxProperties properties) {
        this.properties = properties;
        int inFlightMax = properties.webhooks().maxInFlight();
        this.inFlight = new Semaphore(inFlightMax);
        this.posters = Executors.newFixedThreadPool(inFlightMax, daemon("sandbox-webhook-http"));
        this.http = HttpClients.custom()
                .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                        .setMaxConnTotal(inFlightMax).setMaxConnPerRoute(inFlightMax)
                        .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(Timeout.ofSeconds(5))
                                .setSocketTimeout(Timeout.ofSeconds(10)).build())
                        .build())
                .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(Timeout.ofSeconds(10)).build())
                .disableAutomaticRetries().disableRedirectHandling().disableCookieManagement().build();
        this.dispatcher = daemon("sandbox-webhook-dispatch").newThread(this::dispatch);
        dispatcher.start();
    }

    void schedule(Item item, Duration delay) {
        if (!posting()) {
            return;
        }
        timer.schedule(() -> ready.add(item), Math.max(0, delay.toMillis()), TimeUnit.MILLISECONDS);
    }

    /**
     * An account-level webhook (template status, quality, category), posted at once:
     * {@code {"object":..., "entry":[{"id":<waba>, "time":..., "changes":[{"value":..., "field":...}]}]}}.
     */
    void postChange(String wabaId, String field, ObjectNode value) {
        if (!posting()) {
            return;
        }
        ObjectNode root = JSON.objectNode().put("object", "whatsapp_business_account");
        ObjectNode entry = root.putArray("entry").addObject().put("id", wabaId).put("time", System.currentTimeMillis() / 1000);
        entry.putArray("changes").addObject().<ObjectNode>set("value", value).put("field", field);
        try {
            post(escape(root.toString()).getBytes(StandardCharsets.UTF_8), 1, System.nanoTime());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void dispatch() {
        while (running) {
            try {
                List<Item> batch = new ArrayList<>();
                batch.add(ready.take());
                ready.drainTo(batch, properties.webhooks().maxBatch() - 1);
                Map<String, List<Item>> byPost = new LinkedHashMap<>();
                batch.forEach(i -> byPost.computeIfAbsent(i.number().id() + "/" + i.field(), k -> new ArrayList<>()).add(i));
                for (List<Item> items : byPost.values()) {
                    post(escape(envelope(items).toString()).getBytes(StandardCharsets.UTF_8), 1, System.nanoTime());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // one bad post must not stop every later webhook
                log.error("Sandbox could not post a webhook to {}", properties.webhookUrl(), e);
            }
        }
    }

    private boolean posting() {
        return properties.webhookUrl() != null && !properties.webhookUrl().isEmpty();
    }

    /** The URL of the next attempt: with several, each attempt (a retry too) goes to the next in turn. */
    private URI nextUrl() {
        List<URI> urls = properties.webhookUrl();
        return urls.get(Math.floorMod(turn.getAndIncrement(), urls.size()));
    }

    private void post(byte[] body, int attempt, long firstAttemptNanos) throws InterruptedException {
        inFlight.acquire();
        URI url = nextUrl();
        try {
            posters.execute(() -> {
                String why;
                try {
                    why = postOnce(url, body);
                } finally {
                    inFlight.release();
                }
                if (why != null) {
                    retryLater(body, attempt, firstAttemptNanos, why);
                }
            });
        } catch (RuntimeException closed) {
            inFlight.release();
        }
    }

    /** One attempt; null when the hub answered 200, else why not. */
    private String postOnce(URI url, byte[] body) {
        HttpPost request = new HttpPost(url);
        request.setHeader(WebhookSignature.HEADER, WebhookSignature.sign(body, properties.appSecret()));
        request.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        try {
            // with a response handler the client reads the body to the end, so the connection goes back to the pool
            int status = http.execute(request, ClassicHttpResponse::getCode);
            return status == 200 ? null : "HTTP " + status;
        } catch (IOException e) {
            return e.toString();
        }
    }

    /** Meta tries again with backoff until its redelivery window has passed. */
    private void retryLater(byte[] body, int attempt, long firstAttemptNanos, String why) {
        long since = System.nanoTime() - firstAttemptNanos;
        if (since > properties.webhooks().redeliveryWindow().toNanos() || !running) {
            log.warn("Sandbox gave up on a webhook after {} attempts in {} s: {}", attempt, since / 1_000_000_000L, why);
            return;
        }
        long backoff = Math.min(properties.webhooks().maxBackoff().toMillis(),
                properties.webhooks().initialBackoff().toMillis() << Math.min(attempt - 1, 20));
        long jittered = backoff / 2 + ThreadLocalRandom.current().nextLong(backoff / 2 + 1);
        log.debug("Webhook attempt {} failed ({}); again in {} ms", attempt, why, jittered);
        timer.schedule(() -> {
            try {
                post(body, attempt + 1, firstAttemptNanos);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, jittered, TimeUnit.MILLISECONDS);
    }

    private ObjectNode envelope(List<Item> items) {
        PhoneNumber number = items.get(0).number();
        String field = items.get(0).field();
        ObjectNode root = JSON.objectNode().put("object", "whatsapp_business_account");
        ObjectNode entry = root.putArray("entry").addObject().put("id", number.wabaId());
        ObjectNode value = entry.putArray("changes").addObject().putObject("value").put("messaging_product", "whatsapp");
        ((ObjectNode) entry.get("changes").get(0)).put("field", "messages");
        value.putObject("metadata").put("display_phone_number", number.displayNumber().replaceAll("\\D", ""))
                .put("phone_number_id", number.id());
        ArrayNode contacts = JSON.arrayNode();
        ArrayNode list = JSON.arrayNode();
        List<String> seen = new ArrayList<>();
        for (Item i : items) {
            list.add(i.item());
            String status = i.item().path("status").asText();
            // since 2026 statuses carry contacts too, except failed ones; a switch keeps the older shape
            boolean wanted = "messages".equals(field) || properties.statuses().includeContacts();
            if (wanted && !"failed".equals(status) && !seen.contains(i.customer().userId())) {
                seen.add(i.customer().userId());
                contacts.add(contact(i.customer(), !"sent".equals(status)));
            }
        }
        if (!contacts.isEmpty()) {
            value.set("contacts", contacts);
        }
        value.set(field, list);
        return root;
    }

    /** Meta's escaping: non-ASCII as lowercase \\uXXXX and '/' as \\/ (both only occur inside JSON strings). */
    static String escape(String json) {
        if (json.chars().allMatch(c -> c != '/' && c < 128)) {
            return json;
        }
        StringBuilder out = new StringBuilder(json.length() + 16);
        for (int i = 0; i < json.length(); i++) {
            char c = json.charAt(i);
            if (c == '/') {
                out.append("\\/");
            } else if (c > 127) {
                out.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf]).append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /**
     * A contacts[] entry: the profile, the phone number unless the user has a username (Meta then
     * leaves it out), the user id always; the username not on {@code sent} statuses.
     */
    static ObjectNode contact(SandboxCustomers.Customer customer, boolean withUsername) {
        ObjectNode contact = JSON.objectNode();
        String shown = customer.waId() == null ? customer.userId() : customer.waId();
        ObjectNode profile = contact.putObject("profile").put("name", "Sandbox User " + shown.substring(Math.max(0, shown.length() - 4)));
        if (customer.username() != null && withUsername) {
            profile.put("username", customer.username());
        }
        if (phoneShown(customer)) {
            contact.put("wa_id", customer.waId());
        }
        return contact.put("user_id", customer.userId());
    }

    /** Whether webhooks show the customer's phone number: known, and the user has no username. */
    static boolean phoneShown(SandboxCustomers.Customer customer) {
        return customer.waId() != null && customer.username() == null;
    }

    /**
     * A status item as Meta sends it since May 2026: {@code recipient_user_id} always, except on a
     * failed phone-number send; {@code recipient_id} when the phone number can be shown.
     */
    static JsonNode status(String wamid, String status, SandboxCustomers.Customer customer, boolean toUserId, long epochSeconds) {
        ObjectNode item = JSON.objectNode().put("id", wamid).put("status", status).put("timestamp", Long.toString(epochSeconds));
        if (phoneShown(customer) || !toUserId && customer.waId() != null) {
            item.put("recipient_id", customer.waId());
        }
        if (toUserId || !"failed".equals(status)) {
            item.put("recipient_user_id", customer.userId());
        }
        return item;
    }

    @Override
    public void close() {
        running = false;
        dispatcher.interrupt();
        timer.shutdownNow();
        posters.shutdownNow();
        try {
            http.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }
}
