package dev.whatsapphub.standin.salesforce;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * What the Salesforce stand-in holds: the Platform Events published on each topic (kept, each with
 * its replay id, the Avro schema of its event and the encoded payload), the records written through
 * the REST API, the validation rules that refuse writes, and the tokens it issued. Objects and
 * their fields are those docs/connectors.md tells a real org to define.
 */
public class SalesforceOrg {

    /** The custom Platform Event the shipped connector subscribes to, and its fields. */
    static final Map<String, List<String>> PLATFORM_EVENTS = Map.of("Order_Shipped__e",
            List.of("Order_Number__c", "Contact_Name__c", "Mobile__c", "Language__c", "Carrier__c", "Record_Id__c", "Contact_Id__c"));

    /** The objects writable here, each with its fields and the external id fields an upsert may name. */
    record SObjectType(String prefix, Set<String> fields, Set<String> externalIds) {
    }

    static final Map<String, SObjectType> OBJECTS = Map.of(
            "WhatsApp_Message__c", new SObjectType("a0W", Set.of("Name", "Hub_Message_Id__c", "Wamid__c", "Status__c", "Recipient__c",
                    "Record_Id__c", "Order_Number__c", "Template__c", "Status_At__c", "Sent_At__c", "Delivered_At__c", "Read_At__c",
                    "Failed_At__c", "Error_Code__c", "Error_Message__c"), Set.of("Hub_Message_Id__c")),
            "Task", new SObjectType("00T", Set.of("Subject", "Description", "WhatId", "WhoId", "Status", "Priority", "Type",
                    "ActivityDate", "TaskSubtype", "Hub_Reply_Wamid__c", "Hub_Media_Url__c", "Hub_Media_Caption__c"), Set.of()),
            "Contact", new SObjectType("003", Set.of("FirstName", "LastName", "MobilePhone", "Email", "HasOptedOutOfWhatsApp__c",
                    "WhatsApp_Opted_Out_At__c"), Set.of()));

    /** One published event as the stand-in keeps it. */
    public record Published(String topic, long replay, String uuid, Instant at, Map<String, Object> fields, byte[] payload) {

        byte[] replayId() {
            return ByteBuffer.allocate(Long.BYTES).putLong(replay).array();
        }
    }

    /** A topic: its Avro schema (id and JSON), and its events in order. */
    static final class Topic {
        final String name;
        final Schema schema;
        final String schemaId;
        final List<Published> events = new CopyOnWriteArrayList<>();
        final List<Consumer<Topic>> listeners = new CopyOnWriteArrayList<>();

        Topic(String name, Schema schema) {
            this.name = name;
            this.schema = schema;
            this.schemaId = UUID.nameUUIDFromBytes(schema.toString().getBytes()).toString().replace("-", "").substring(0, 22);
        }
    }

    /** A validation rule: a write to {@code object} whose {@code field} equals {@code value} (any, if null) is refused. */
    public record Rule(String object, String field, String value, String errorCode, String message) {
    }

    /** A write Salesforce refuses: its HTTP status and the error code and message of its body. */
    public static final class Refused extends RuntimeException {
        final int status;
        final String errorCode;
        final List<String> fields;

        Refused(int status, String errorCode, String message, List<String> fields) {
            super(message);
            this.status = status;
            this.errorCode = errorCode;
            this.fields = fields;
        }
    }

    /** One Subscribe stream as the stand-in saw it: where it asked to start, and how many events it was sent. */
    public static final class Subscribed {
        final String topic;
        final String preset;
        final Long replayId;
        final Instant at = Instant.now();
        final AtomicLong sent = new AtomicLong();
        volatile String error;

        Subscribed(String topic, String preset, Long replayId) {
            this.topic = topic;
            this.preset = preset;
            this.replayId = replayId;
        }

        Map<String, Object> view() {
            Map<String, Object> view = new LinkedHashMap<>();
            view.put("topic", topic);
            view.put("replay_preset", preset);
            view.put("replay_id", replayId == null ? null : java.util.Base64.getEncoder().encodeToString(ByteBuffer.allocate(Long.BYTES).putLong(replayId).array()));
            view.put("at", at.toString());
            view.put("events_sent", sent.get());
            view.put("error", error);
            return view;
        }
    }

    private final List<Subscribed> subscriptions = new CopyOnWriteArrayList<>();
    private final Map<String, Topic> topics = new ConcurrentHashMap<>();
    private final Map<String, Map<String, Map<String, Object>>> records = new ConcurrentHashMap<>();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final Set<String> tokens = ConcurrentHashMap.newKeySet();
    private final AtomicLong ids = new AtomicLong();
    private final AtomicLong replays = new AtomicLong(1000);

    public SalesforceOrg() {
        PLATFORM_EVENTS.forEach((name, fields) -> topic(name, fields));
    }

    private Topic topic(String name, List<String> fields) {
        return topics.computeIfAbsent("/event/" + name, t -> {
            SchemaBuilder.FieldAssembler<Schema> schema = SchemaBuilder.record(name).namespace("com.sforce.eventbus").fields()
                    .requiredLong("CreatedDate").requiredString("CreatedById");
            fields.forEach(f -> schema.optionalString(f));
            return new Topic(t, schema.endRecord());
        });
    }

    Optional<Topic> topic(String name) {
        return Optional.ofNullable(topics.get(name));
    }

    Optional<Topic> topicBySchema(String schemaId) {
        return topics.values().stream().filter(t -> t.schemaId.equals(schemaId)).findFirst();
    }

    /** Publishes a Platform Event: every field must be one of the event's (a custom event not defined here gets its fields from this first publish). */
    public synchronized Published publish(String eventName, Map<String, Object> fields) {
        if (!eventName.matches("[A-Za-z][A-Za-z0-9_]*__e")) {
            throw new Refused(404, "NOT_FOUND", "The requested resource does not exist: a Platform Event's API name ends in __e, not " + eventName, List.of());
        }
        Topic topic = topic(eventName, new ArrayList<>(fields.keySet()));
        GenericRecord record = new GenericData.Record(topic.schema);
        record.put("CreatedDate", Instant.now().toEpochMilli());
        record.put("CreatedById", "005000000000001AAA");
        fields.forEach((name, value) -> {
            if (topic.schema.getField(name) == null || Set.of("CreatedDate", "CreatedById").contains(name)) {
                throw new Refused(400, "INVALID_FIELD", "No such column '" + name + "' on entity '" + eventName + "'", List.of(name));
            }
            record.put(name, value == null ? null : String.valueOf(value));
        });
        Published published = new Published(topic.name, replays.incrementAndGet(), UUID.randomUUID().toString(), Instant.now(),
                new LinkedHashMap<>(fields), encode(topic.schema, record));
        topic.events.add(published);
        topic.listeners.forEach(l -> l.accept(topic));
        return published;
    }

    private static byte[] encode(Schema schema, GenericRecord record) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
            encoder.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<Published> events(String eventName) {
        Topic topic = topics.get("/event/" + eventName);
        return topic == null ? List.of() : List.copyOf(topic.events);
    }

    Subscribed subscribed(String topic, String preset, Long replayId) {
        Subscribed s = new Subscribed(topic, preset, replayId);
        subscriptions.add(s);
        return s;
    }

    /** Every Subscribe stream so far, oldest first. */
    public List<Map<String, Object>> subscriptions() {
        return subscriptions.stream().map(Subscribed::view).toList();
    }

    String issueToken() {
        String token = "00D!standin." + UUID.randomUUID();
        tokens.add(token);
        return token;
    }

    boolean validToken(String token) {
        return token != null && tokens.contains(token);
    }

    /** Forgets every token issued: the next call is answered INVALID_SESSION_ID, as after a session timeout. */
    public void expireSessions() {
        tokens.clear();
    }

    public void addRule(Rule rule) {
        rules.add(rule);
    }

    public void clearRules() {
        rules.clear();
    }

    private SObjectType type(String object) {
        SObjectType type = OBJECTS.get(object);
        if (type == null) {
            throw new Refused(404, "NOT_FOUND", "The requested resource does not exist: sObject type '" + object + "' is not supported.", List.of());
        }
        return type;
    }

    private void check(String object, SObjectType type, Map<String, Object> fields) {
        for (String field : fields.keySet()) {
            if (!type.fields().contains(field) && !"attributes".equals(field)) {
                throw new Refused(400, "INVALID_FIELD", "No such column '" + field + "' on sobject of type " + object, List.of(field));
            }
        }
        for (Rule rule : rules) {
            if (rule.object().equals(object) && (rule.field() == null
                    || fields.containsKey(rule.field()) && (rule.value() == null || rule.value().equals(String.valueOf(fields.get(rule.field())))))) {
                throw new Refused(400, rule.errorCode(), rule.message(), rule.field() == null ? List.of() : List.of(rule.field()));
            }
        }
    }

    /** A new record; its id. */
    public synchronized String create(String object, Map<String, Object> fields) {
        SObjectType type = type(object);
        check(object, type, fields);
        String id = type.prefix() + "%012d".formatted(ids.incrementAndGet()) + "AAA";
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("Id", id);
        fields.forEach((k, v) -> {
            if (!"attributes".equals(k)) {
                record.put(k, v);
            }
        });
        records.computeIfAbsent(object, o -> new ConcurrentHashMap<>()).put(id, record);
        return id;
    }

    /** Upsert on an external id: the record's id and whether it was created. */
    public synchronized Map.Entry<String, Boolean> upsert(String object, String externalIdField, String value, Map<String, Object> fields) {
        SObjectType type = type(object);
        if (!type.externalIds().contains(externalIdField)) {
            throw new Refused(404, "NOT_FOUND", "Provided external ID field does not exist or is not accessible: " + externalIdField, List.of());
        }
        Map<String, Object> withKey = new LinkedHashMap<>(fields);
        withKey.put(externalIdField, value);
        check(object, type, withKey);
        Optional<Map<String, Object>> existing = find(object, externalIdField, value).stream().findFirst();
        if (existing.isPresent()) {
            withKey.forEach((k, v) -> existing.get().put(k, v));
            return Map.entry((String) existing.get().get("Id"), false);
        }
        return Map.entry(create(object, withKey), true);
    }

    public synchronized void update(String object, String id, Map<String, Object> fields) {
        SObjectType type = type(object);
        Map<String, Object> record = records.getOrDefault(object, Map.of()).get(id);
        if (record == null) {
            throw new Refused(404, "NOT_FOUND", "The requested resource does not exist", List.of());
        }
        check(object, type, fields);
        fields.forEach(record::put);
    }

    public List<Map<String, Object>> find(String object, String field, String value) {
        type(object);
        return records.getOrDefault(object, Map.of()).values().stream().filter(r -> value.equals(String.valueOf(r.get(field)))).toList();
    }

    public List<Map<String, Object>> records(String object) {
        return records.getOrDefault(object, Map.of()).values().stream().map(r -> (Map<String, Object>) new LinkedHashMap<>(r))
                .sorted((a, b) -> String.valueOf(a.get("Id")).compareTo(String.valueOf(b.get("Id")))).toList();
    }

    /** A Contact the test or the operator seeds, so an opt-out has a record to land on. */
    public String seedContact(Map<String, Object> fields) {
        return create("Contact", fields);
    }
}
