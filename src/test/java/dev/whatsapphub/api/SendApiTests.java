package dev.whatsapphub.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.Http;
import dev.whatsapphub.HubTestSupport;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;

class SendApiTests extends HubTestSupport {

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void helloWorldIsQueuedThenReadWithEveryTimestamp() {
        Http.Answer answer = send("{\"to\": \"+34 612 345 678\", \"template\": {\"name\": \"hello_world\", \"language\": \"en_US\"}}");

        assertThat(answer.status()).isEqualTo(202);
        assertThat(answer.json().path("status").asText()).isEqualTo("queued");
        JsonNode read = awaitStatus(answer.json().path("id").asText(), "read");
        assertThat(read.path("to").asText()).isEqualTo("+34612345678");
        assertThat(read.path("wamid").asText()).startsWith("wamid.");
        assertThat(read.path("attempts").asInt()).isEqualTo(1);
        assertThat(read.path("timestamps").fieldNames()).toIterable()
                .containsExactly("queued", "accepted", "sent", "delivered", "read");
        assertThat(read.path("history")).hasSize(3);
    }

    @Test
    void metadataComesBackWithTheMessage() {
        Http.Answer answer = send("""
                {"to": "%s", "template": {"name": "hello_world", "language": "en_US"}, "metadata": {"order": "A-1"}}""".formatted(newRecipient()));

        assertThat(message(answer.json().path("id").asText()).path("metadata").path("order").asText()).isEqualTo("A-1");
    }

    @Test
    void invalidPhoneNumberIsRefusedNamingTheField() {
        Http.Answer answer = send("{\"to\": \"12345\", \"text\": {\"body\": \"hi\"}}");

        assertProblem(answer, 400, "to");
        assertThat(answer.json().path("errors").get(0).path("rule").asText()).contains("not a valid phone number");
    }

    @Test
    void everyProblemOfARequestIsListedAtOnce() {
        Http.Answer answer = send("""
                {"to": "+34612345678", "text": {"body": "%s"}, "colour": "red", "idempotency_key": 7}""".formatted("x".repeat(4097)));

        assertProblem(answer, 400, "text.body");
        assertThat(answer.json().path("errors").findValuesAsText("field")).contains("colour", "idempotency_key", "text.body");
    }

    @Test
    void templateProblemsAreListedEvenWhenTheRecipientIsWrongToo() {
        Http.Answer answer = send("""
                {"to": "12345", "template": {"name": "order_confirmation", "language": "en_US", "parameters": ["Ana"]}}""");

        assertProblem(answer, 400, "to");
        assertThat(answer.json().path("errors").findValuesAsText("field")).containsExactly("to", "template.body");
    }

    @Test
    void exactlyOneKindOfContentIsRequired() {
        assertProblem(send("{\"to\": \"+34612345678\"}"), 400, "$");
        assertProblem(send("{\"to\": \"+34612345678\", \"text\": {\"body\": \"a\"}, \"location\": {\"latitude\": 1, \"longitude\": 2}}"),
                400, "text,location");
    }

    @Test
    void mediaNeedsExactlyOneOfLinkOrIdAndCaptionsOnlyWhereMetaTakesThem() {
        assertProblem(send("{\"to\": \"+34612345678\", \"media\": {\"kind\": \"image\"}}"), 400, "media");
        assertProblem(send("{\"to\": \"+34612345678\", \"media\": {\"kind\": \"audio\", \"id\": \"1\", \"caption\": \"c\"}}"),
                400, "media.caption");
        assertProblem(send("{\"to\": \"+34612345678\", \"media\": {\"kind\": \"gif\", \"link\": \"ftp://x\"}}"), 400, "media.kind");
    }

    @Test
    void interactiveButtonsFollowMetaLimits() {
        Http.Answer answer = send("""
                {"to": "+34612345678", "interactive": {"type": "button", "body": {"text": "Pick"}, "action": {"buttons": [
                  {"type": "reply", "reply": {"id": "a", "title": "This title is far too long"}},
                  {"type": "reply", "reply": {"id": "b", "title": "Same"}},
                  {"type": "reply", "reply": {"id": "c", "title": "Same"}}]}}}""");

        assertProblem(answer, 400, "interactive.action.buttons[0].reply.title");
        assertThat(answer.json().path("errors").findValuesAsText("field")).contains("interactive.action.buttons[2].reply.title");
    }

    @Test
    void unknownTemplateNamesTheLanguagesItExistsIn() {
        Http.Answer answer = send("""
                {"to": "+34612345678", "template": {"name": "order_shipped", "language": "fr", "parameters": ["a", "b", "c"]}}""");

        assertProblem(answer, 400, "template");
        assertThat(answer.json().path("errors").get(0).path("rule").asText())
                .contains("'order_shipped'", "'fr'", "[en_US, es]");
    }

    @Test
    void templateThatIsNotApprovedIsRefused() {
        Http.Answer answer = send("""
                {"to": "+34612345678", "template": {"name": "winter_sale", "language": "en_US", "parameters": ["30%"]}}""");

        assertProblem(answer, 400, "template");
        assertThat(answer.json().path("errors").get(0).path("rule").asText()).contains("PAUSED", "only APPROVED");
    }

    @Test
    void templateParametersMustFitTheTemplate() {
        Http.Answer tooFew = send("""
                {"to": "+34612345678", "template": {"name": "order_confirmation", "language": "en_US", "parameters": ["Ana"]}}""");
        assertProblem(tooFew, 400, "template.body");
        assertThat(tooFew.json().path("errors").get(0).path("rule").asText()).contains("(1)", "(2)");

        Http.Answer wrongNames = send("""
                {"to": "+34612345678", "template": {"name": "appointment_reminder", "language": "en_US",
                 "parameters": {"first_name": "Ana", "day": "May 3", "time": "10:30"}}}""");
        assertProblem(wrongNames, 400, "template.body");

        Http.Answer missingUrlSuffix = send("""
                {"to": "+34612345678", "template": {"name": "order_shipped", "language": "en_US", "parameters": ["Ana", "A-1", "DHL"]}}""");
        assertProblem(missingUrlSuffix, 400, "template.button[0]");
    }

    @Test
    void templateWithNamedParametersHeaderMediaAndButtonsIsSent() {
        String named = send("""
                {"to": "%s", "template": {"name": "appointment_reminder", "language": "en_US",
                 "parameters": {"first_name": "Ana", "date": "May 3", "time": "10:30"}}}""".formatted(newRecipient()))
                .json().path("id").asText();
        String full = send("""
                {"to": "%s", "template": {"name": "order_shipped", "language": "es", "components": [
                  {"type": "body", "parameters": [{"type": "text", "text": "Ana"}, {"type": "text", "text": "A-1001"},
                                                  {"type": "text", "text": "DHL"}]},
                  {"type": "button", "sub_type": "url", "index": "0", "parameters": [{"type": "text", "text": "A-1001"}]}]}}"""
                .formatted(newRecipient())).json().path("id").asText();
        String media = send("""
                {"to": "%s", "template": {"name": "invoice_ready", "language": "en_US", "components": [
                  {"type": "header", "parameters": [{"type": "document", "document": {"link": "https://files.example/i.pdf"}}]},
                  {"type": "body", "parameters": [{"type": "text", "text": "INV-1"},
                    {"type": "currency", "currency": {"fallback_value": "$100.99", "code": "USD", "amount_1000": 100990}}]}]}}"""
                .formatted(newRecipient())).json().path("id").asText();

        awaitStatus(named, "read");
        awaitStatus(full, "read");
        awaitStatus(media, "read");
    }

    @Test
    void nothingIsQueuedOrStoredWhenTheRequestIsInvalid() {
        int before = jdbc.queryForObject("SELECT COUNT(*) FROM hub_message", Integer.class);

        send("{\"to\": \"+34612345678\", \"template\": {\"name\": \"hello_world\", \"language\": \"en_US\", \"parameters\": [\"x\"]}}");
        send("{\"to\": \"not a number\", \"text\": {\"body\": \"hi\"}}");
        Http.Answer notJson = http.post("/api/v1/messages", "{not json", Map.of("X-API-Key", API_KEY, "Content-Type", "application/json"));

        assertProblem(notJson, 400, null);
        assertThat(jdbc.queryForObject("SELECT COUNT(*) FROM hub_message", Integer.class)).isEqualTo(before);
    }

    @Test
    void missingOrUnknownApiKeyIsUnauthorized() {
        Http.Answer missing = http.post("/api/v1/messages", "{}", Map.of("Content-Type", "application/json"));
        Http.Answer unknown = http.post("/api/v1/messages", "{}", Map.of("Content-Type", "application/json", "X-API-Key", "nope"));

        assertProblem(missing, 401, null);
        assertProblem(unknown, 401, null);
    }

    @Test
    void aClientCannotReadAnotherClientsMessage() {
        String id = sendTemplate(newRecipient(), "primary");

        Http.Answer other = http.get("/api/v1/messages/" + id, Map.of("X-API-Key", "other-key"));

        assertProblem(other, 404, null);
    }

    @Test
    void sameIdempotencyKeyReturnsTheFirstMessageAndSendsNothingAgain() {
        String to = newRecipient();
        String body = """
                {"to": "%s", "idempotency_key": "order-42-shipped", "template": {"name": "hello_world", "language": "en_US"}}""".formatted(to);

        String first = send(body).json().path("id").asText();
        awaitStatus(first, "read");
        Http.Answer repeat = send(body);

        assertThat(repeat.status()).isEqualTo(202);
        assertThat(repeat.json().path("id").asText()).isEqualTo(first);
        assertThat(repeat.json().path("status").asText()).isEqualTo("read");
        assertThat(http.get("/sandbox/control/sends?to=" + to.substring(1), Map.of()).json()).hasSize(1);
    }

    @Test
    void sameIdempotencyKeyWithAnotherMessageIsAConflict() {
        send("{\"to\": \"%s\", \"idempotency_key\": \"k-1\", \"template\": {\"name\": \"hello_world\", \"language\": \"en_US\"}}"
                .formatted(newRecipient()));

        Http.Answer other = send("{\"to\": \"%s\", \"idempotency_key\": \"k-1\", \"template\": {\"name\": \"hello_world\", \"language\": \"en_US\"}}"
                .formatted(newRecipient()));

        assertProblem(other, 422, null);
        assertThat(other.json().path("detail").asText()).contains("k-1");
    }

    @Test
    void unknownSenderIsRefused() {
        assertProblem(send("{\"to\": \"+34612345678\", \"from\": \"nobody\", \"text\": {\"body\": \"a\"}}"), 400, "from");
    }

    static void assertProblem(Http.Answer answer, int status, String field) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(answer.contentType()).startsWith("application/problem+json");
        assertThat(answer.json().path("detail").asText()).isNotBlank();
        if (field != null) {
            assertThat(answer.json().path("errors").findValuesAsText("field")).as(answer.text()).contains(field);
        }
    }
}
