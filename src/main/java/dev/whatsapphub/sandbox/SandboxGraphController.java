package dev.whatsapphub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whatsapphub.sandbox.SandboxProperties.PhoneNumber;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Meta's Graph endpoints as the sandbox serves them under {@code /sandbox}: any {@code vNN.N}
 * version, or none; token in the Authorization header or in {@code access_token}.
 */
@RestController
@ConditionalOnProperty(name = "sandbox.enabled", havingValue = "true")
@RequestMapping("/sandbox")
class SandboxGraphController {

    private static final String VERSION = "{version:v\\d+(?:\\.\\d+)?}";
    private static final ScheduledExecutorService LATENCY = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sandbox-latency");
        t.setDaemon(true);
        return t;
    });
    private static final Set<Integer> SENDER_FATAL = Set.of(0, 190, 200, 368, 131031);

    private final SandboxProperties properties;
    private final SandboxState state;
    private final SandboxMessages messages;
    private final SandboxMedia media;
    private final ObjectMapper mapper;

    SandboxGraphController(SandboxProperties properties, SandboxState state, SandboxMessages messages, SandboxMedia media,
                           ObjectMapper mapper) {
        this.properties = properties;
        this.state = state;
        this.messages = messages;
        this.media = media;
        this.mapper = mapper;
    }

    /**
     * Written straight to the response: with no latency there is no async dispatch, with latency
     * the answer waits on a timer, not on a thread.
     */
    @PostMapping({"/" + VERSION + "/{id}/messages", "/{id:\\d+}/messages"})
    void send(@PathVariable String id, @RequestBody(required = false) byte[] raw, HttpServletRequest request,
              HttpServletResponse response) throws IOException {
        // the moment the request arrived, before any dispatch work: the rate limits count arrivals
        ResponseEntity<ObjectNode> answer = answer(id, raw, request, SandboxArrivals.at(request), SandboxArrivals.nanos(request));
        long latency = properties.responseLatency().toMillis();
        if (latency <= 0) {
            write(response, answer);
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(latency + 30_000);
        LATENCY.schedule(() -> {
            try {
                write((HttpServletResponse) async.getResponse(), answer);
            } catch (IOException clientGone) {
                // nothing to answer to
            } finally {
                async.complete();
            }
        }, latency, TimeUnit.MILLISECONDS);
    }

    private ResponseEntity<ObjectNode> answer(String id, byte[] raw, HttpServletRequest request, Instant arrived, long arrivedNanos) {
        Optional<PhoneNumber> number = state.number(id);
        if (number.isEmpty()) {
            return GraphErrors.unknownObject("post", id);
        }
        var denied = authorize(request, number.get().accessToken());
        if (denied != null) {
            return denied;
        }
        String text = raw == null ? "" : new String(raw, StandardCharsets.UTF_8);
        JsonNode body;
        try {
            body = mapper.readTree(text);
        } catch (IOException e) {
            body = null;
        }
        if (body == null || !body.isObject()) {
            return GraphErrors.of(100, "The request body must be a JSON object");
        }
        return messages.send(number.get(), body, text, arrived, arrivedNanos);
    }

    private void write(HttpServletResponse response, ResponseEntity<ObjectNode> answer) throws IOException {
        response.setStatus(answer.getStatusCode().value());
        response.setContentType("application/json");
        mapper.writeValue(response.getOutputStream(), answer.getBody());
    }

    @GetMapping({"/" + VERSION + "/{id}", "/{id:\\d+}"})
    ResponseEntity<ObjectNode> object(@PathVariable String id, HttpServletRequest request) {
        Optional<SandboxMedia.File> file = media.find(id);
        if (file.isPresent()) {
            return mediaObject(file.get(), request);
        }
        Optional<PhoneNumber> number = state.number(id);
        if (number.isEmpty()) {
            return GraphErrors.unknownObject("get", id);
        }
        var denied = authorize(request, number.get().accessToken());
        if (denied != null) {
            return denied;
        }
        var fault = state.currentFault(id).filter(f -> SENDER_FATAL.contains(f.code()));
        if (fault.isPresent()) {
            return GraphErrors.of(fault.get().code(), "Injected by the sandbox's fault control");
        }
        PhoneNumber n = number.get();
        ObjectNode info = JsonNodeFactory.instance.objectNode().put("verified_name", n.verifiedName())
                .put("display_phone_number", n.displayNumber()).put("id", n.id()).put("quality_rating", "GREEN")
                .put("code_verification_status", "VERIFIED").put("platform_type", "CLOUD_API");
        info.putObject("throughput").put("level", "STANDARD");
        return ResponseEntity.ok(info);
    }

    @GetMapping({"/" + VERSION + "/{waba}/message_templates", "/{waba:\\d+}/message_templates"})
    ResponseEntity<ObjectNode> templates(@PathVariable String waba, @RequestParam(defaultValue = "25") int limit,
                                         @RequestParam(required = false) String after, @RequestParam(required = false) String name,
                                         @RequestParam(required = false) String status, HttpServletRequest request) {
        if (!state.isWaba(waba)) {
            return GraphErrors.unknownObject("get", waba);
        }
        String token = token(request);
        if (token == null || !state.tokenFitsWaba(waba, token)) {
            return GraphErrors.of(190, token == null ? "An access token is required" : "The access token is not valid for this account");
        }
        List<ObjectNode> matching = state.templates(waba).stream()
                .filter(t -> name == null || t.path("name").asText().equals(name))
                .filter(t -> status == null || t.path("status").asText().equalsIgnoreCase(status)).toList();
        int size = Math.max(1, Math.min(limit, 1000));
        int from = after == null ? 0 : decode(after);
        int to = Math.min(matching.size(), from + size);
        ObjectNode page = JsonNodeFactory.instance.objectNode();
        ArrayNode data = page.putArray("data");
        matching.subList(Math.min(from, to), to).forEach(data::add);
        ObjectNode paging = page.putObject("paging");
        paging.putObject("cursors").put("before", encode(from)).put("after", encode(Math.max(from, to - 1) + 1));
        if (to < matching.size()) {
            paging.put("next", ServletUriComponentsBuilder.fromRequest(request).replaceQueryParam("after", encode(to)).toUriString());
        }
        if (from > 0) {
            paging.put("previous", ServletUriComponentsBuilder.fromRequest(request)
                    .replaceQueryParam("after", encode(Math.max(0, from - size))).toUriString());
        }
        return ResponseEntity.ok(page);
    }

    /** A customer's media as Meta describes it: the URL to fetch (with the same token), type, checksum and size. */
    private ResponseEntity<ObjectNode> mediaObject(SandboxMedia.File file, HttpServletRequest request) {
        String token = token(request);
        if (token == null || !state.tokenFitsWaba(file.wabaId(), token)) {
            return GraphErrors.of(190, token == null ? "An access token is required" : "The access token is not valid for this media");
        }
        String url = ServletUriComponentsBuilder.fromContextPath(request).path("/sandbox/media-files/{id}").buildAndExpand(file.id())
                .toUriString();
        return ResponseEntity.ok(JsonNodeFactory.instance.objectNode().put("messaging_product", "whatsapp").put("url", url)
                .put("mime_type", file.mimeType()).put("sha256", file.sha256Hex()).put("file_size", file.bytes().length)
                .put("id", file.id()));
    }

    /** The bytes behind a media URL; like Meta's, the URL needs the business's bearer token. */
    @GetMapping("/media-files/{id}")
    ResponseEntity<?> mediaFile(@PathVariable String id, HttpServletRequest request) {
        Optional<SandboxMedia.File> file = media.find(id);
        if (file.isEmpty()) {
            return ResponseEntity.notFound().build();
        }
        String token = token(request);
        if (token == null || !state.tokenFitsWaba(file.get().wabaId(), token)) {
            return GraphErrors.of(190, "An access token is required to download media");
        }
        return ResponseEntity.ok().contentType(org.springframework.http.MediaType.parseMediaType(file.get().mimeType()))
                .body(file.get().bytes());
    }

    /** Every other path or method: Meta answers with a Graph error, never an HTML page. */
    @RequestMapping("/**")
    ResponseEntity<ObjectNode> unknown(HttpServletRequest request) {
        return GraphErrors.body(400, 100, "GraphMethodException", "Unsupported " + request.getMethod().toLowerCase()
                + " request. Unknown path components: " + request.getRequestURI().substring("/sandbox".length()), null);
    }

    private ResponseEntity<ObjectNode> authorize(HttpServletRequest request, String expected) {
        String token = token(request);
        if (token == null) {
            return GraphErrors.of(190, "An active access token must be used to query information about the current user.");
        }
        return token.equals(expected) ? null : GraphErrors.of(190, "Invalid OAuth access token - Cannot parse access token");
    }

    static String token(HttpServletRequest request) {
        String header = request.getHeader("Authorization");
        if (header != null && header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return header.substring(7).trim();
        }
        return request.getParameter("access_token");
    }

    private static String encode(int index) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(Integer.toString(index).getBytes(StandardCharsets.UTF_8));
    }

    private static int decode(String cursor) {
        try {
            return Integer.parseInt(new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return 0;
        }
    }
}
