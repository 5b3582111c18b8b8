package dev.whatsapphub.webhook;

import dev.whatsapphub.HubProperties;
import dev.whatsapphub.whatsapp.WebhookSignature;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Meta's side of the hub: the verify handshake, and signed webhook posts that are on disk before
 * Meta gets its 200: statuses applied in the database ({@link StatusPosts}), anything else in the
 * broker for {@link WebhookRoutes}.
 */
@RestController
@RequestMapping("/webhooks/whatsapp")
class WebhookController {

    static final String QUEUE = "hub.webhooks";
    private static final Logger log = LoggerFactory.getLogger(WebhookController.class);

    private final HubProperties properties;
    private final JmsTemplate jms;
    private final MeterRegistry meters;
    // looked up once: a registry lookup builds and hashes a meter id on every post
    private final Counter received;
    private final StatusPosts statusPosts;

    WebhookController(HubProperties properties, JmsTemplate jms, MeterRegistry meters, StatusPosts statusPosts) {
        this.properties = properties;
        this.jms = jms;
        this.meters = meters;
        this.received = meters.counter("hub.webhooks.received");
        this.statusPosts = statusPosts;
    }

    @GetMapping(produces = MediaType.TEXT_PLAIN_VALUE)
    ResponseEntity<String> verify(@RequestParam(name = "hub.mode", required = false) String mode,
                                  @RequestParam(name = "hub.verify_token", required = false) String token,
                                  @RequestParam(name = "hub.challenge", required = false) String challenge) {
        if ("subscribe".equals(mode) && properties.webhook().verifyToken().equals(token) && challenge != null) {
            return ResponseEntity.ok(challenge);
        }
        log.warn("Webhook verification refused (mode={}, token {})", mode, token == null ? "missing" : "wrong");
        return ResponseEntity.status(HttpStatus.FORBIDDEN).body("verification failed: hub.mode must be subscribe and hub.verify_token must match hub.webhook.verify-token");
    }

    @PostMapping
    ResponseEntity<?> receive(@RequestBody(required = false) byte[] body,
                              @RequestHeader(name = WebhookSignature.HEADER, required = false) String signature) {
        byte[] bytes = body == null ? new byte[0] : body;
        if (!WebhookSignature.matches(bytes, signature, properties.webhook().appSecret())) {
            meters.counter("hub.webhooks.rejected").increment();
            ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.UNAUTHORIZED, signature == null
                    ? "The X-Hub-Signature-256 header is missing"
                    : "X-Hub-Signature-256 does not match the HMAC-SHA256 of the body with the app secret (hub.webhook.app-secret)");
            problem.setType(URI.create("https://whatsapp-hub.dev/problems/bad-signature"));
            problem.setTitle("Bad webhook signature");
            return ResponseEntity.status(HttpStatus.UNAUTHORIZED).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
        }
        received.increment();
        // durable before the 200: a post of statuses only is applied and on disk in the database;
        // any other post, as the exact bytes Meta signed, is on disk in the broker (persistent, blocking send)
        if (!statusPosts.applyIfOnlyStatuses(bytes)) {
            String text = new String(bytes, StandardCharsets.UTF_8);
            jms.send(QUEUE, session -> session.createTextMessage(text));
        }
        return ResponseEntity.ok().build();
    }
}
