package dev.whatsapphub.consent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.Http;
import dev.whatsapphub.HubTestSupport;
import dev.whatsapphub.contact.ContactStore;
import dev.whatsapphub.inbound.InboundStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Opt-out and opt-in, from the customer's own words (STOP, BAJA, START ...), Meta's
 * {@code user_preferences} webhook and Meta's 131050: a marketing template to a customer who
 * opted out is refused at acceptance, naming when and how; utility messages still go.
 */
class OptOutTests extends HubTestSupport {

    private static final Map<String, String> JSON = Map.of("Content-Type", "application/json");
    private static final String WABA = "200000000000001";
    private static final String PROMO = """
            {"to": "%s", "template": {"name": "weekly_promo", "language": "en_US", "components": [
              {"type": "header", "parameters": [{"type": "image", "image": {"link": "https://cdn.example/promo.png"}}]},
              {"type": "body", "parameters": [{"type": "text", "text": "Ana"}, {"type": "text", "text": "20%%"}]},
              {"type": "button", "sub_type": "copy_code", "index": 0, "parameters": [{"type": "coupon_code", "coupon_code": "SAVE20"}]}]}}""";
    private static final String UTILITY = "{\"to\": \"%s\", \"template\": {\"name\": \"hello_world\", \"language\": \"en_US\"}}";

    @Autowired
    ContactStore contacts;

    @Autowired
    ConsentStore consent;

    @Autowired
    InboundStore inbound;

    @Test
    void stopRefusesTheNextMarketingSendAndStartLiftsIt() {
        String to = newRecipient();
        assertThat(send(PROMO.formatted(to)).status()).as("before STOP").isEqualTo(202);

        customerSays(to, "Stop!");
        Http.Answer refused = send(PROMO.formatted(to));

        assertThat(refused.status()).isEqualTo(409);
        assertThat(refused.contentType()).contains("application/problem+json");
        assertThat(refused.json().path("opted_out_by").asText()).isEqualTo("keyword");
        assertThat(refused.json().path("opted_out_at").asText()).isNotBlank();
        assertThat(refused.json().path("detail").asText()).contains("opted out of marketing", "Stop!", "START");
        assertThat(send(UTILITY.formatted(to)).status()).as("utility still goes").isEqualTo(202);

        customerSays(to, "start");
        assertThat(send(PROMO.formatted(to)).status()).as("after START").isEqualTo(202);
        String contact = contacts.byWaId(WABA, to.substring(1)).orElseThrow().id();
        assertThat(consent.history(contact)).extracting(ConsentStore.Change::optedOut, ConsentStore.Change::source)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(true, "keyword"), org.assertj.core.groups.Tuple.tuple(false, "keyword"));
    }

    @Test
    void keywordsInOtherLanguagesAndWithAccentsCountButAWordInASentenceDoesNot() {
        String baja = newRecipient();
        String arret = newRecipient();
        String sentence = newRecipient();

        customerSays(baja, "BAJA");
        customerSays(arret, "Arrêt");
        customerSays(sentence, "please do not stop sending me offers");

        assertThat(send(PROMO.formatted(baja)).status()).isEqualTo(409);
        assertThat(send(PROMO.formatted(arret)).status()).isEqualTo(409);
        assertThat(send(PROMO.formatted(sentence)).status()).isEqualTo(202);
    }

    @Test
    void metasUserPreferencesStopAndResumeMarketing() {
        String to = newRecipient();
        customerSays(to, "hello");

        preferences(to, "stop");
        await().atMost(Duration.ofSeconds(20)).until(() -> send(PROMO.formatted(to)).status() == 409);
        Http.Answer refused = send(PROMO.formatted(to));
        assertThat(refused.json().path("opted_out_by").asText()).isEqualTo("user_preferences");

        preferences(to, "resume");
        await().atMost(Duration.ofSeconds(20)).until(() -> send(PROMO.formatted(to)).status() == 202);
    }

    @Test
    void aSendMetaFailsWith131050OptsTheCustomerOutOfMarketing() {
        String to = newRecipient();
        customerSays(to, "hello");
        // the customer stopped marketing in WhatsApp and Meta's webhook never reached the hub: Meta fails the send
        http.post("/sandbox/customers/" + to + "/preferences", "{\"value\": \"stop\", \"webhook\": false}", JSON);
        String id = send(PROMO.formatted(to)).json().path("id").asText();

        JsonNode failed = awaitStatus(id, "failed");
        assertThat(failed.path("error").path("code").asInt()).isEqualTo(131050);
        await().atMost(Duration.ofSeconds(20)).until(() -> send(PROMO.formatted(to)).status() == 409);
        String contact = contacts.byWaId(WABA, to.substring(1)).orElseThrow().id();
        List<String> sources = consent.history(contact).stream().map(ConsentStore.Change::source).toList();
        assertThat(sources).containsExactly("meta_131050");
    }

    private void customerSays(String customer, String text) {
        String wamid = http.post("/sandbox/customers/" + customer + "/messages",
                "{\"type\": \"text\", \"text\": {\"body\": \"%s\"}}".formatted(text), JSON).json().path("wamid").asText();
        await().atMost(Duration.ofSeconds(20)).until(() -> inbound.find(wamid).isPresent());
    }

    private void preferences(String customer, String value) {
        assertThat(http.post("/sandbox/customers/" + customer + "/preferences", "{\"value\": \"%s\"}".formatted(value), JSON).status())
                .isEqualTo(200);
    }
}
