package dev.whatsapphub.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.whatsapphub.HubTestSupport;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.whatsapp.model.Language;
import org.apache.camel.component.whatsapp.model.MessageResponse;
import org.apache.camel.component.whatsapp.model.TemplateMessage;
import org.apache.camel.component.whatsapp.model.TemplateMessageRequest;
import org.apache.camel.component.whatsapp.model.TextMessage;
import org.apache.camel.component.whatsapp.model.TextMessageRequest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** A third-party Cloud API client (Apache Camel's camel-whatsapp), unchanged but for its base URL, works against the sandbox. */
class CloudApiClientCompatibilityTests extends HubTestSupport {

    @Autowired
    CamelContext context;
    ProducerTemplate camel;

    @BeforeEach
    void producer() {
        camel = context.createProducerTemplate();
    }

    private String endpoint() {
        return "whatsapp:" + PRIMARY_NUMBER + "?authorizationToken=sandbox-token&apiVersion=v21.0&baseUri=http://localhost:" + port() + "/sandbox";
    }

    @Test
    void camelWhatsappSendsATemplate() {
        TemplateMessage template = new TemplateMessage();
        template.setName("hello_world");
        Language language = new Language();
        language.setCode("en_US");
        template.setLanguage(language);
        TemplateMessageRequest request = new TemplateMessageRequest();
        request.setTo("16505551234");
        request.setTemplate(template);

        MessageResponse response = camel.requestBody(endpoint(), request, MessageResponse.class);

        assertThat(response.getMessages()).singleElement().satisfies(m -> assertThat(m.getId()).startsWith("wamid."));
        assertThat(response.getContacts()).singleElement().satisfies(c -> assertThat(c.getWaId()).isEqualTo("16505551234"));
    }

    @Test
    void camelWhatsappSendsATextInsideTheWindow() {
        http.post("/sandbox/control/inbound", "{\"phone_number_id\": \"%s\", \"from\": \"16505557788\"}".formatted(PRIMARY_NUMBER),
                Map.of("Content-Type", "application/json"));
        TextMessage text = new TextMessage();
        text.setBody("Your order shipped");
        TextMessageRequest request = new TextMessageRequest();
        request.setTo("16505557788");
        request.setText(text);

        MessageResponse response = camel.requestBody(endpoint(), request, MessageResponse.class);

        assertThat(response.getMessages()).extracting(m -> m.getId()).allMatch(id -> id.startsWith("wamid."));
        List<String> types = http.get("/sandbox/control/sends?to=16505557788", Map.of()).json().findValuesAsText("type");
        assertThat(types).containsExactly("text");
    }
}
