package dev.whatsapphub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whatsapphub.sandbox.SandboxProperties.PhoneNumber;
import dev.whatsapphub.templates.Template;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What the sandbox knows and remembers: its phone numbers, the templates of each account, when
 * each user last wrote (the 24-hour window), injected faults, and every send it received.
 */
class SandboxState {

    /** A send as the sandbox received it, for tests and for the control API. */
    record ReceivedSend(String phoneNumberId, String to, String type, Instant at, int errorCode, String wamid, String body) {
    }

    /** The next {@code remaining} sends to a phone number fail with {@code code} (negative: until cleared). */
    record Fault(int code, int remaining) {
    }

    private static final int SEND_LOG_SIZE = 100_000;

    private final Map<String, PhoneNumber> numbers = new LinkedHashMap<>();
    private final Map<String, List<ObjectNode>> templatesByWaba = new ConcurrentHashMap<>();
    private final Map<String, Instant> lastInbound = new ConcurrentHashMap<>();
    private final java.util.Set<String> marketingStopped = ConcurrentHashMap.newKeySet();
    private final Map<String, Fault> faults = new ConcurrentHashMap<>();
    private final ConcurrentLinkedDeque<ReceivedSend> sends = new ConcurrentLinkedDeque<>();
    private final ConcurrentLinkedDeque<ReadReceipt> readReceipts = new ConcurrentLinkedDeque<>();
    // the deque's size() walks the whole deque
    private final AtomicInteger sendCount = new AtomicInteger();

    SandboxState(SandboxProperties properties, ObjectMapper mapper) {
        properties.phoneNumbers().forEach(n -> numbers.put(n.id(), n));
        List<ObjectNode> seeded = seed(mapper);
        numbers.values().stream().map(PhoneNumber::wabaId).distinct()
                .forEach(waba -> templatesByWaba.put(waba, Collections.synchronizedList(copies(seeded))));
    }

    Optional<PhoneNumber> number(String id) {
        return Optional.ofNullable(numbers.get(id));
    }

    boolean isWaba(String id) {
        return templatesByWaba.containsKey(id);
    }

    /** The token of any phone number of the account may read its templates. */
    boolean tokenFitsWaba(String wabaId, String token) {
        return numbers.values().stream().anyMatch(n -> n.wabaId().equals(wabaId) && n.accessToken().equals(token));
    }

    /** Adds a new template; false when the name already exists in that language. */
    boolean addTemplate(String wabaId, ObjectNode template) {
        var list = templatesByWaba.get(wabaId);
        synchronized (list) {
            boolean exists = list.stream().anyMatch(t -> t.path("name").asText().equals(template.path("name").asText())
                    && t.path("language").asText().equals(template.path("language").asText()));
            if (!exists) {
                list.add(template);
            }
            return !exists;
        }
    }

    /** Deletes a template in every language, or only the one with {@code id}; the number removed. */
    int deleteTemplates(String wabaId, String name, String id) {
        var list = templatesByWaba.get(wabaId);
        synchronized (list) {
            int before = list.size();
            list.removeIf(t -> t.path("name").asText().equals(name) && (id == null || t.path("id").asText().equals(id)));
            return before - list.size();
        }
    }

    List<ObjectNode> templates(String wabaId) {
        synchronized (templatesByWaba.get(wabaId)) {
            return List.copyOf(templatesByWaba.get(wabaId));
        }
    }

    Optional<Template> template(String wabaId, String name, String language) {
        return templates(wabaId).stream()
                .filter(t -> t.path("name").asText().equals(name) && t.path("language").asText().equals(language))
                .findFirst().map(Template::fromGraph);
    }

    /** Changes a template's status, as Meta's review or quality checks would. */
    Optional<ObjectNode> setTemplateStatus(String wabaId, String name, String language, String status) {
        var list = templatesByWaba.get(wabaId);
        if (list == null) {
            return Optional.empty();
        }
        synchronized (list) {
            for (ObjectNode t : list) {
                if (t.path("name").asText().equals(name) && t.path("language").asText().equals(language)) {
                    t.put("status", status);
                    return Optional.of(t.deepCopy());
                }
            }
        }
        return Optional.empty();
    }

    /** The customer (by user id) stopped, or resumed, marketing messages from the number. */
    void marketing(String phoneNumberId, String userId, boolean stopped) {
        if (stopped) {
            marketingStopped.add(phoneNumberId + ":" + userId);
        } else {
            marketingStopped.remove(phoneNumberId + ":" + userId);
        }
    }

    boolean marketingStopped(String phoneNumberId, String userId) {
        return marketingStopped.contains(phoneNumberId + ":" + userId);
    }

    /** The customer (by user id) wrote to the number: its 24-hour window opens. */
    void userWrote(String phoneNumberId, String userId, Instant at) {
        lastInbound.put(phoneNumberId + ":" + userId, at);
    }

    boolean windowOpen(String phoneNumberId, String userId, Instant now) {
        Instant last = lastInbound.get(phoneNumberId + ":" + userId);
        return last != null && Duration.between(last, now).toHours() < 24;
    }

    void setFault(String phoneNumberId, Fault fault) {
        faults.put(phoneNumberId, fault);
    }

    void clearFault(String phoneNumberId) {
        faults.remove(phoneNumberId);
    }

    Optional<Fault> currentFault(String phoneNumberId) {
        return Optional.ofNullable(faults.get(phoneNumberId));
    }

    /** Uses up one failure of an injected fault; returns its code if the send must fail. */
    Optional<Integer> takeFault(String phoneNumberId) {
        Fault[] taken = new Fault[1];
        faults.computeIfPresent(phoneNumberId, (id, f) -> {
            taken[0] = f;
            return f.remaining() == 1 ? null : new Fault(f.code(), f.remaining() < 0 ? -1 : f.remaining() - 1);
        });
        return Optional.ofNullable(taken[0]).map(Fault::code);
    }

    void log(ReceivedSend send) {
        sends.addLast(send);
        if (sendCount.incrementAndGet() > SEND_LOG_SIZE && sends.pollFirst() != null) {
            sendCount.decrementAndGet();
        }
    }

    List<ReceivedSend> sends() {
        return new ArrayList<>(sends);
    }

    void clearSends() {
        sends.clear();
        sendCount.set(0);
    }

    /** A business marked a customer's message read ({@code "status": "read"} on the messages edge). */
    record ReadReceipt(String phoneNumberId, String messageId, Instant at) {
    }

    void markedRead(ReadReceipt receipt) {
        readReceipts.addLast(receipt);
        if (readReceipts.size() > SEND_LOG_SIZE) {
            readReceipts.pollFirst();
        }
    }

    List<ReadReceipt> readReceipts() {
        return new ArrayList<>(readReceipts);
    }

    private static List<ObjectNode> seed(ObjectMapper mapper) {
        try (InputStream in = SandboxState.class.getResourceAsStream("/sandbox/templates.json")) {
            List<ObjectNode> list = new ArrayList<>();
            for (JsonNode t : mapper.readTree(in)) {
                list.add((ObjectNode) t);
            }
            return list;
        } catch (IOException e) {
            throw new IllegalStateException("The sandbox's seeded templates (/sandbox/templates.json) cannot be read", e);
        }
    }

    private static List<ObjectNode> copies(List<ObjectNode> templates) {
        return new ArrayList<>(templates.stream().map(ObjectNode::deepCopy).toList());
    }
}
