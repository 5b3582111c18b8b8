package dev.whatsapphub.templates;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.Http;
import dev.whatsapphub.HubTestSupport;
import dev.whatsapphub.whatsapp.WebhookSignature;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Templates submitted through the hub, reviewed by the sandbox, followed through webhooks. */
class TemplateSubmissionTests extends HubTestSupport {

    private static final AtomicInteger NAMES = new AtomicInteger();

    private Http.Answer submit(String json) {
        return http.post("/api/v1/templates", json, Map.of("X-API-Key", API_KEY, "Content-Type", "application/json"));
    }

    private static String template(String name) {
        return """
                {"name": "%s", "language": "en_US", "category": "UTILITY",
                 "components": [{"type": "BODY", "text": "Hi {{1}}, your parcel {{2}} is ready.",
                                 "example": {"body_text": [["Ana", "P-7"]]}}]}""".formatted(name);
    }

    private String status(String name) {
        for (JsonNode t : http.get("/api/v1/templates", Map.of("X-API-Key", API_KEY)).json().path("data")) {
            if (name.equals(t.path("name").asText())) {
                return t.path("status").asText();
            }
        }
        return null;
    }

    @Test
    void aSubmittedTemplateIsPendingThenApprovedByTheSandboxsReviewAndCanBeSent() {
        String name = "parcel_ready_" + NAMES.incrementAndGet();
        Http.Answer answer = submit(template(name));
        assertThat(answer.status()).as(answer.text()).isEqualTo(201);
        assertThat(answer.json().path("status").asText()).isEqualTo("PENDING");
        assertThat(status(name)).isEqualTo("PENDING");
        Http.Answer tooEarly = send("""
                {"to": "%s", "template": {"name": "%s", "language": "en_US", "parameters": ["Ana", "P-7"]}}""".formatted(newRecipient(), name));
        assertThat(tooEarly.status()).isEqualTo(400);
        assertThat(tooEarly.text()).contains(name).contains("PENDING");

        await().atMost(Duration.ofSeconds(15)).until(() -> "APPROVED".equals(status(name)));
        Http.Answer sent = send("""
                {"to": "%s", "template": {"name": "%s", "language": "en_US", "parameters": ["Ana", "P-7"]}}""".formatted(newRecipient(), name));
        assertThat(sent.status()).as(sent.text()).isEqualTo(202);
        awaitStatus(sent.json().path("id").asText(), "read");

        assertThat(submit(template(name)).text()).contains("already exists");
    }

    @Test
    void reviewRejectsAndPausesByNamePattern() {
        String rejected = "reject_notice_" + NAMES.incrementAndGet();
        String paused = "pause_notice_" + NAMES.incrementAndGet();
        assertThat(submit(template(rejected)).status()).isEqualTo(201);
        assertThat(submit(template(paused)).status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(15)).until(() -> "REJECTED".equals(status(rejected)));
        await().atMost(Duration.ofSeconds(15)).until(() -> "PAUSED".equals(status(paused)));
    }

    @Test
    void qualityAndCategoryWebhooksChangeTheRegistryAtOnce() {
        String name = "quality_check_" + NAMES.incrementAndGet();
        assertThat(submit(template(name)).status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(15)).until(() -> "APPROVED".equals(status(name)));
        postSigned("message_template_quality_update", """
                {"previous_quality_score":"UNKNOWN","new_quality_score":"YELLOW","message_template_name":"%s","message_template_language":"en_US"}""".formatted(name));
        postSigned("template_category_update", """
                {"message_template_name":"%s","message_template_language":"en_US","new_category":"MARKETING"}""".formatted(name));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            JsonNode t = find(name);
            assertThat(t.path("quality").asText()).isEqualTo("YELLOW");
            assertThat(t.path("category").asText()).isEqualTo("MARKETING");
        });
    }

    @Test
    void theSandboxDeletesTemplatesByNameAsMetaDoes() {
        String name = "short_lived_" + NAMES.incrementAndGet();
        assertThat(submit(template(name)).status()).isEqualTo(201);
        String templates = "/sandbox/v23.0/200000000000001/message_templates";
        Http.Answer deleted = http.delete(templates + "?name=" + name + "&access_token=sandbox-token");
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().path("success").asBoolean()).isTrue();
        assertThat(http.get(templates + "?name=" + name + "&access_token=sandbox-token", Map.of()).json().path("data")).isEmpty();
        assertThat(http.delete(templates + "?name=" + name + "&access_token=sandbox-token").status()).isEqualTo(404);
        assertThat(http.delete(templates + "?name=" + name + "&access_token=wrong").json().path("error").path("code").asInt()).isEqualTo(190);
    }

    private void postSigned(String field, String value) {
        String body = """
                {"object":"whatsapp_business_account","entry":[{"id":"200000000000001","time":1764000000,"changes":[{"value":%s,"field":"%s"}]}]}"""
                .formatted(value, field);
        Http.Answer answer = http.post("/webhooks/whatsapp", body, Map.of("Content-Type", "application/json",
                WebhookSignature.HEADER, WebhookSignature.sign(body.getBytes(StandardCharsets.UTF_8), "sandbox-app-secret")));
        assertThat(answer.status()).isEqualTo(200);
    }

    private JsonNode find(String name) {
        for (JsonNode t : http.get("/api/v1/templates", Map.of("X-API-Key", API_KEY)).json().path("data")) {
            if (name.equals(t.path("name").asText())) {
                return t;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    @Test
    void aTemplateThatBreaksMetasRulesIsRefusedNamingEveryField() {
        Http.Answer answer = submit("""
                {"name": "Bad Name", "language": "english", "category": "PROMO",
                 "components": [{"type": "BODY", "text": "{{1}} and {{3}}"},
                                {"type": "FOOTER", "text": "Reply {{1}}"},
                                {"type": "BUTTONS", "buttons": [{"type": "URL", "text": "Open", "url": "https://x.example/{{1}}"}]}]}""");
        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.text()).contains("\"field\":\"name\"", "\"field\":\"language\"", "\"field\":\"category\"",
                "in order without gaps", "cannot start or end with a variable", "example.body_text", "a footer cannot have variables",
                "example URL");
    }
}
