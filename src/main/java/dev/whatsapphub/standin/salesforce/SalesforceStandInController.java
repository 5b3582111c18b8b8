package dev.whatsapphub.standin.salesforce;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.standin.StandInProperties;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The Salesforce stand-in's HTTP side, under {@code /standin/salesforce}: the OAuth 2.0 token
 * endpoint (client credentials, JWT bearer), the REST API's sObject create, upsert by external id,
 * update, a query by one field and composite, answering errors as Salesforce does (a JSON array of
 * {@code errorCode} and {@code message}); and control endpoints to publish a Platform Event, list
 * what was written, and add validation rules.
 */
@RestController
@ConditionalOnProperty(name = "standin.salesforce.enabled", havingValue = "true")
@RequestMapping(path = "/standin/salesforce", produces = MediaType.APPLICATION_JSON_VALUE)
class SalesforceStandInController {

    private static final Pattern QUERY = Pattern.compile("(?i)SELECT\\s+Id\\s+FROM\\s+(\\w+)\\s+WHERE\\s+(\\w+)\\s*=\\s*'((?:[^'\\\\]|\\\\.)*)'(\\s+LIMIT\\s+\\d+)?\\s*");
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final SalesforceOrg org;
    private final List<Map<String, Object>> logins = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final StandInProperties.Salesforce properties;
    private final ObjectMapper mapper;

    SalesforceStandInController(SalesforceOrg org, StandInProperties properties, ObjectMapper mapper) {
        this.org = org;
        this.properties = properties.salesforce();
        this.mapper = mapper;
    }

    @ExceptionHandler(SalesforceOrg.Refused.class)
    ResponseEntity<List<Map<String, Object>>> refused(SalesforceOrg.Refused e) {
        return ResponseEntity.status(e.status).contentType(MediaType.APPLICATION_JSON).body(List.of(error(e)));
    }

    private static Map<String, Object> error(SalesforceOrg.Refused e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", e.getMessage());
        error.put("errorCode", e.errorCode);
        error.put("fields", e.fields);
        return error;
    }

    // --- OAuth 2.0 -------------------------------------------------------------------------------

    @PostMapping(path = "/services/oauth2/token", consumes = MediaType.APPLICATION_FORM_URLENCODED_VALUE)
    ResponseEntity<Map<String, Object>> token(@RequestParam MultiValueMap<String, String> form) {
        String grant = form.getFirst("grant_type");
        String client = form.getFirst("client_id");
        boolean ok = switch (grant == null ? "" : grant) {
            case "client_credentials" -> properties.clientId().equals(client) && properties.clientSecret().equals(form.getFirst("client_secret"));
            // the assertion's issuer must be the connected app; its signature is not checked here (docs/connectors.md)
            case "urn:ietf:params:oauth:grant-type:jwt-bearer" -> properties.clientId().equals(issuer(form.getFirst("assertion")));
            default -> false;
        };
        if (!ok) {
            String error = grant == null || !List.of("client_credentials", "urn:ietf:params:oauth:grant-type:jwt-bearer").contains(grant)
                    ? "unsupported_grant_type" : "invalid_client";
            return ResponseEntity.badRequest().body(Map.of("error", error, "error_description",
                    "unsupported_grant_type".equals(error) ? "grant type not supported: client_credentials or the JWT bearer flow"
                            : "invalid client credentials"));
        }
        logins.add(Map.of("grant_type", grant, "client_id", String.valueOf(grant.endsWith("jwt-bearer") ? issuer(form.getFirst("assertion")) : client),
                "at", Instant.now().toString()));
        Map<String, Object> token = new LinkedHashMap<>();
        token.put("access_token", org.issueToken());
        token.put("instance_url", properties.instanceUrl());
        token.put("id", properties.instanceUrl() + "/id/" + properties.orgId() + "/005000000000001AAA");
        token.put("token_type", "Bearer");
        token.put("issued_at", String.valueOf(Instant.now().toEpochMilli()));
        token.put("signature", "standin");
        return ResponseEntity.ok(token);
    }

    private String issuer(String assertion) {
        try {
            String[] parts = assertion.split("\\.");
            Map<String, Object> claims = mapper.readValue(Base64.getUrlDecoder().decode(parts[1]), MAP);
            return String.valueOf(claims.get("iss"));
        } catch (RuntimeException | java.io.IOException e) {
            return null;
        }
    }

    private void session(String authorization) {
        String token = authorization != null && authorization.startsWith("Bearer ") ? authorization.substring(7) : null;
        if (!org.validToken(token)) {
            throw new SalesforceOrg.Refused(401, "INVALID_SESSION_ID", "Session expired or invalid", List.of());
        }
    }

    private Map<String, Object> fields(byte[] body) {
        try {
            return body == null || body.length == 0 ? Map.of() : mapper.readValue(body, MAP);
        } catch (java.io.IOException e) {
            throw new SalesforceOrg.Refused(400, "JSON_PARSER_ERROR", "The request body is not valid JSON: " + e.getMessage(), List.of());
        }
    }

    // --- REST API --------------------------------------------------------------------------------

    @PostMapping({"/services/data/v{version}/sobjects/{object}", "/services/data/v{version}/sobjects/{object}/"})
    ResponseEntity<Map<String, Object>> create(@PathVariable String object, @RequestBody(required = false) byte[] body,
                                               @RequestHeader(name = "Authorization", required = false) String authorization) {
        session(authorization);
        String id = org.create(object, fields(body));
        return ResponseEntity.status(HttpStatus.CREATED).body(saved(id, null));
    }

    @PatchMapping("/services/data/v{version}/sobjects/{object}/{field}/{value}")
    ResponseEntity<Map<String, Object>> upsert(@PathVariable String object, @PathVariable String field, @PathVariable String value,
                                               @RequestBody(required = false) byte[] body,
                                               @RequestHeader(name = "Authorization", required = false) String authorization) {
        session(authorization);
        Map.Entry<String, Boolean> saved = org.upsert(object, field, value, fields(body));
        return ResponseEntity.status(saved.getValue() ? HttpStatus.CREATED : HttpStatus.OK).body(saved(saved.getKey(), saved.getValue()));
    }

    @PatchMapping("/services/data/v{version}/sobjects/{object}/{id}")
    ResponseEntity<Void> update(@PathVariable String object, @PathVariable String id, @RequestBody(required = false) byte[] body,
                                @RequestHeader(name = "Authorization", required = false) String authorization) {
        session(authorization);
        org.update(object, id, fields(body));
        return ResponseEntity.noContent().build();
    }

    @GetMapping({"/services/data/v{version}/query", "/services/data/v{version}/query/"})
    Map<String, Object> query(@PathVariable String version, @RequestParam("q") String soql,
                              @RequestHeader(name = "Authorization", required = false) String authorization) {
        session(authorization);
        Matcher m = QUERY.matcher(soql);
        if (!m.matches()) {
            throw new SalesforceOrg.Refused(400, "MALFORMED_QUERY",
                    "The stand-in answers only SELECT Id FROM <Object> WHERE <Field> = '<value>' [LIMIT n], not: " + soql, List.of());
        }
        List<Map<String, Object>> records = new ArrayList<>();
        for (Map<String, Object> r : org.find(m.group(1), m.group(2), m.group(3).replace("\\'", "'"))) {
            records.add(Map.of("attributes", Map.of("type", m.group(1), "url", "/services/data/v" + version + "/sobjects/" + m.group(1) + "/" + r.get("Id")),
                    "Id", r.get("Id")));
        }
        return Map.of("totalSize", records.size(), "done", true, "records", records);
    }

    /** Composite: independent subrequests (create, upsert, update) in order; references between them are not resolved here. */
    @PostMapping("/services/data/v{version}/composite")
    Map<String, Object> composite(@RequestBody Map<String, Object> request,
                                  @RequestHeader(name = "Authorization", required = false) String authorization) throws JsonProcessingException {
        session(authorization);
        List<Map<String, Object>> answers = new ArrayList<>();
        Object subrequests = request.get("compositeRequest");
        if (!(subrequests instanceof List<?> list)) {
            throw new SalesforceOrg.Refused(400, "INVALID_INPUT", "compositeRequest: a list of subrequests is required", List.of("compositeRequest"));
        }
        for (Object item : list) {
            @SuppressWarnings("unchecked")
            Map<String, Object> sub = (Map<String, Object>) item;
            Map<String, Object> answer = new LinkedHashMap<>();
            answer.put("referenceId", sub.get("referenceId"));
            answer.put("httpHeaders", Map.of());
            try {
                String[] path = String.valueOf(sub.get("url")).replaceFirst("^.*/sobjects/", "").split("/");
                @SuppressWarnings("unchecked")
                Map<String, Object> body = sub.get("body") instanceof Map<?, ?> b ? (Map<String, Object>) b : Map.of();
                switch (String.valueOf(sub.get("method")).toUpperCase() + path.length) {
                    case "POST1" -> {
                        answer.put("httpStatusCode", 201);
                        answer.put("body", saved(org.create(path[0], body), null));
                    }
                    case "PATCH3" -> {
                        Map.Entry<String, Boolean> saved = org.upsert(path[0], path[1], java.net.URLDecoder.decode(path[2], StandardCharsets.UTF_8), body);
                        answer.put("httpStatusCode", saved.getValue() ? 201 : 200);
                        answer.put("body", saved(saved.getKey(), saved.getValue()));
                    }
                    case "PATCH2" -> {
                        org.update(path[0], path[1], body);
                        answer.put("httpStatusCode", 204);
                        answer.put("body", null);
                    }
                    default -> throw new SalesforceOrg.Refused(400, "INVALID_INPUT", "the stand-in's composite takes sObject create, upsert and update", List.of());
                }
            } catch (SalesforceOrg.Refused e) {
                answer.put("httpStatusCode", e.status);
                answer.put("body", List.of(error(e)));
            }
            answers.add(answer);
        }
        return Map.of("compositeResponse", answers);
    }

    private static Map<String, Object> saved(String id, Boolean created) {
        Map<String, Object> saved = new LinkedHashMap<>();
        saved.put("id", id);
        saved.put("success", true);
        saved.put("errors", List.of());
        if (created != null) {
            saved.put("created", created);
        }
        return saved;
    }

    // --- control ---------------------------------------------------------------------------------

    /** Publishes a Platform Event, {@code {"Order_Number__c": "SO-1", ...}}: it goes out on /event/{name} to every subscriber. */
    @PostMapping(path = "/events/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> publish(@PathVariable String name, @RequestBody Map<String, Object> fields) {
        SalesforceOrg.Published p = org.publish(name, fields);
        return ResponseEntity.status(HttpStatus.CREATED).body(view(p));
    }

    @GetMapping("/events/{name}")
    List<Map<String, Object>> events(@PathVariable String name) {
        return org.events(name).stream().map(SalesforceStandInController::view).toList();
    }

    private static Map<String, Object> view(SalesforceOrg.Published p) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("topic", p.topic());
        view.put("replay_id", Base64.getEncoder().encodeToString(p.replayId()));
        view.put("event_uuid", p.uuid());
        view.put("published_at", p.at().toString());
        view.put("fields", p.fields());
        return view;
    }

    /** Every login: its grant type (client_credentials, the JWT bearer flow) and client. */
    @GetMapping("/logins")
    List<Map<String, Object>> logins() {
        return List.copyOf(logins);
    }

    /** Every Subscribe stream the Pub/Sub server has seen: its replay preset and id, and how many events it was sent. */
    @GetMapping("/subscriptions")
    List<Map<String, Object>> subscriptions() {
        return org.subscriptions();
    }

    /** What the connector wrote: the records of an object ({@code WhatsApp_Message__c}, {@code Task}, {@code Contact}). */
    @GetMapping("/records/{object}")
    List<Map<String, Object>> records(@PathVariable String object) {
        return org.records(object);
    }

    /** Seeds a record (a Contact for opt-outs to land on); answers its id. */
    @PostMapping(path = "/records/{object}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> seed(@PathVariable String object, @RequestBody Map<String, Object> fields) {
        return ResponseEntity.status(HttpStatus.CREATED).body(saved(org.create(object, fields), null));
    }

    /**
     * A validation rule, {@code {"object": "WhatsApp_Message__c", "field": "Status__c", "value": "read",
     * "error_code": "FIELD_CUSTOM_VALIDATION_EXCEPTION", "message": "..."}}: such writes are refused from now on.
     */
    @PostMapping(path = "/validation-rules", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> rule(@RequestBody Map<String, String> rule) {
        if (rule.get("object") == null || rule.get("message") == null) {
            return ResponseEntity.badRequest().body(Map.of("error", "object and message are required", "field", rule.get("object") == null ? "object" : "message"));
        }
        org.addRule(new SalesforceOrg.Rule(rule.get("object"), rule.get("field"), rule.get("value"),
                rule.getOrDefault("error_code", "FIELD_CUSTOM_VALIDATION_EXCEPTION"), rule.get("message")));
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.copyOf(rule));
    }

    @DeleteMapping("/validation-rules")
    ResponseEntity<Void> clearRules() {
        org.clearRules();
        return ResponseEntity.noContent().build();
    }

    /** Every issued token expires: the connector must log in again. */
    @PostMapping("/sessions/expire")
    ResponseEntity<Void> expire() {
        org.expireSessions();
        return ResponseEntity.noContent().build();
    }
}
