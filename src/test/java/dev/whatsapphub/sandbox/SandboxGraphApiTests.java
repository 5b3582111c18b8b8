package dev.whatsapphub.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.Http;
import dev.whatsapphub.HubTestSupport;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The sandbox answers as Meta does: shapes, codes and HTTP statuses of contract section 9. */
class SandboxGraphApiTests extends HubTestSupport {

    private static final String LIMITS_NUMBER = "100000000000004";
    private static final Map<String, String> AUTH = Map.of("Authorization", "Bearer sandbox-token", "Content-Type", "application/json");

    @Test
    void acceptedTemplateSendHasMetasSuccessShape() {
        JsonNode ok = post(PRIMARY_NUMBER, template("hello_world", "[]"), AUTH).json();

        assertThat(ok.path("messaging_product").asText()).isEqualTo("whatsapp");
        assertThat(ok.path("contacts").get(0).path("input").asText()).isEqualTo("+34612999001");
        assertThat(ok.path("contacts").get(0).path("wa_id").asText()).isEqualTo("34612999001");
        assertThat(ok.path("messages").get(0).path("id").asText()).startsWith("wamid.");
        assertThat(ok.path("messages").get(0).path("message_status").asText()).isEqualTo("accepted");
    }

    @Test
    void unknownPhoneNumberIdIsAGraphMethodException() {
        Http.Answer answer = http.post("/sandbox/v23.0/123/messages", template("hello_world", "[]"), AUTH);

        assertError(answer, 400, 100);
        assertThat(answer.json().path("error").path("type").asText()).isEqualTo("GraphMethodException");
        assertThat(answer.json().path("error").path("error_subcode").asInt()).isEqualTo(33);
    }

    @Test
    void badTokenIs190() {
        assertError(post(PRIMARY_NUMBER, template("hello_world", "[]"), Map.of("Authorization", "Bearer wrong")), 401, 190);
        assertError(post(PRIMARY_NUMBER, template("hello_world", "[]"), Map.of()), 401, 190);
    }

    @Test
    void tokenInTheQueryStringAndAnyVersionAreAccepted() {
        Http.Answer answer = http.post("/sandbox/v17.0/" + PRIMARY_NUMBER + "/messages?access_token=sandbox-token",
                template("hello_world", "[]"), Map.of("Content-Type", "application/json"));
        Http.Answer noVersion = http.post("/sandbox/" + PRIMARY_NUMBER + "/messages", template("hello_world", "[]"), AUTH);

        assertThat(answer.status()).isEqualTo(200);
        assertThat(noVersion.status()).isEqualTo(200);
    }

    @Test
    void missingAndInvalidParametersUseMetasCodes() {
        assertError(post(PRIMARY_NUMBER, "{\"to\": \"34612999001\", \"type\": \"text\"}", AUTH), 400, 100);
        assertError(post(PRIMARY_NUMBER, "{\"messaging_product\": \"whatsapp\", \"to\": \"34612999001\", \"type\": \"text\"}", AUTH), 400, 100);
        assertError(post(PRIMARY_NUMBER, "{\"messaging_product\": \"whatsapp\", \"to\": \"34612999001\", \"type\": \"text\", \"text\": {}}", AUTH), 400, 131008);
        assertError(post(PRIMARY_NUMBER, "{\"messaging_product\": \"whatsapp\", \"to\": \"34612999001\", \"type\": \"image\", \"image\": {}}", AUTH), 400, 131009);
        Http.Answer tooLong = post(PRIMARY_NUMBER, "{\"messaging_product\": \"whatsapp\", \"to\": \"34612999001\", \"type\": \"text\", \"text\": {\"body\": \"%s\"}}"
                .formatted("x".repeat(4097)), AUTH);
        assertError(tooLong, 400, 100);
        assertThat(tooLong.json().path("error").path("message").asText()).startsWith("(#100) ");
        assertThat(tooLong.json().path("error").path("fbtrace_id").asText()).isNotBlank();
    }

    @Test
    void templateErrorsUseMetasCodes() {
        assertError(post(PRIMARY_NUMBER, template("no_such_template", "[]"), AUTH), 404, 132001);
        assertError(post(PRIMARY_NUMBER, template("order_confirmation", "[{\"type\": \"body\", \"parameters\": [{\"type\": \"text\", \"text\": \"Ana\"}]}]"), AUTH), 400, 132000);
        assertError(post(PRIMARY_NUMBER, template("winter_sale", "[]"), AUTH), 400, 132015);
        assertError(post(PRIMARY_NUMBER, template("legacy_notice", "[]"), AUTH), 400, 132016);
    }

    @Test
    void markAsReadAnswersSuccess() {
        Http.Answer answer = post(PRIMARY_NUMBER, "{\"messaging_product\": \"whatsapp\", \"status\": \"read\", \"message_id\": \"wamid.X\"}", AUTH);

        assertThat(answer.json().path("success").asBoolean()).isTrue();
    }

    @Test
    void moreThan45MessagesToOneUserHitThePairRateLimit() {
        List<Integer> codes = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            Http.Answer a = post(PRIMARY_NUMBER, template("hello_world", "[]").replace("+34612999001", "34612888000"), AUTH);
            codes.add(a.status() == 200 ? 0 : a.json().path("error").path("code").asInt());
        }

        assertThat(codes.subList(0, 45)).containsOnly(0);
        assertThat(codes.subList(45, 50)).containsOnly(131056);
    }

    @Test
    void moreThan80MessagesASecondFromOneNumberHit130429() throws Exception {
        Map<String, String> auth = Map.of("Authorization", "Bearer sandbox-token-4", "Content-Type", "application/json");
        List<Callable<Integer>> calls = IntStream.range(0, 400).<Callable<Integer>>mapToObj(i -> () -> {
            Http.Answer a = http.post("/sandbox/v23.0/" + LIMITS_NUMBER + "/messages",
                    template("hello_world", "[]").replace("+34612999001", "3461277" + String.format("%04d", i)), auth);
            return a.status() == 200 ? 0 : a.json().path("error").path("code").asInt();
        }).toList();
        ExecutorService pool = Executors.newFixedThreadPool(16);
        List<Integer> codes = new ArrayList<>();
        try {
            for (Future<Integer> f : pool.invokeAll(calls)) {
                codes.add(f.get());
            }
        } finally {
            pool.shutdown();
        }

        assertThat(codes).contains(130429).containsOnly(0, 130429);
    }

    @Test
    void templateListIsPagedWithCursorsAndNoNextOnTheLastPage() {
        List<String> names = new ArrayList<>();
        String next = "/sandbox/v23.0/200000000000001/message_templates?limit=4&access_token=sandbox-token";
        int pages = 0;
        JsonNode first = null;
        while (next != null) {
            JsonNode page = http.get(next, Map.of()).json();
            first = first == null ? page : first;
            page.path("data").forEach(t -> names.add(t.path("name").asText() + "/" + t.path("language").asText()));
            next = page.path("paging").path("next").asText(null);
            pages++;
        }
        assertThat(pages).isEqualTo(4);
        assertThat(first.path("paging").has("previous")).isFalse();
        assertThat(names).hasSize(14).contains("hello_world/en_US", "order_shipped/es", "appointment_reminder/en_US");
    }

    @Test
    void unknownPathsAnswerWithAGraphError() {
        Http.Answer answer = http.get("/sandbox/v23.0/" + PRIMARY_NUMBER + "/nothing_here", AUTH);

        assertError(answer, 400, 100);
    }

    private Http.Answer post(String number, String body, Map<String, String> headers) {
        Map<String, String> all = new java.util.HashMap<>(headers);
        all.put("Content-Type", "application/json");
        return http.post("/sandbox/v23.0/" + number + "/messages", body, all);
    }

    private static String template(String name, String components) {
        return """
                {"messaging_product": "whatsapp", "to": "+34612999001", "type": "template",
                 "template": {"name": "%s", "language": {"code": "en_US"}, "components": %s}}""".formatted(name, components);
    }

    private static void assertError(Http.Answer answer, int status, int code) {
        assertThat(answer.status()).as(answer.text()).isEqualTo(status);
        assertThat(answer.json().path("error").path("code").asInt()).as(answer.text()).isEqualTo(code);
        assertThat(answer.json().path("error").path("message").asText()).isNotBlank();
    }
}
