package dev.whatsapphub.connectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.whatsapphub.ForkedJvm;
import dev.whatsapphub.HubTestSupport;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jms.core.JmsTemplate;

/** The shipped JMS connectors: XML and fixed-width records in, acknowledgements to JMSReplyTo, statuses back on a queue. */
class JmsConnectorTests extends HubTestSupport {

    private static final String XML = "<OrderStatus><OrderNo>%s</OrderNo><Status>%s</Status><Carrier>DHL</Carrier><Customer><Name>Marta</Name>"
            + "<Phone>%s</Phone><Lang>es</Lang></Customer></OrderStatus>";

    @Autowired
    JmsTemplate jms;

    @Autowired
    JdbcTemplate jdbc;

    @Test
    void aClientInAnotherProcessSendsTheXmlOverTcpAndGetsTheCorrelatedAckAndTheStatusesComeBackOnTheQueue() throws Exception {
        String phone = newRecipient();
        Path xml = Files.createTempFile("legacy-order-", ".xml");
        Files.writeString(xml, XML.formatted("L-5001", "SHIPPED", phone.replace("+", "00")));

        String out = client("legacy-xml", "--queue", "legacy.orders.status", "--file", xml.toString(), "--reply", "--correlation-id", "REQ-5001");

        assertThat(out).contains("reply JMSCorrelationID=REQ-5001");
        assertThat(out).contains("<Ack><OrderNo>L-5001</OrderNo><Status>ACCEPTED</Status><MessageIds><MessageId>");
        String id = out.replaceAll("(?s).*<MessageId>([^<]+)</MessageId>.*", "$1");
        String sent = jdbc.queryForObject("SELECT payload FROM hub_message WHERE id = ?", String.class, id);
        assertThat(sent).contains("\"name\":\"order_shipped\"").contains("\"code\":\"es\"");
        assertThat(jdbc.queryForObject("SELECT recipient FROM hub_message WHERE id = ?", String.class, id)).isEqualTo(phone);
        // the message belongs to the connector, not to an API client: its status is read from the store
        await().atMost(Duration.ofSeconds(20)).until(() -> "read".equals(jdbc.queryForObject("SELECT status FROM hub_message WHERE id = ?",
                String.class, id)));

        List<TextMessage> back = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Message m = receive("legacy.orders.whatsapp-status", 1_000);
            if (m instanceof TextMessage t && t.getText().contains(id)) {
                back.add(t);
            }
            return back.stream().anyMatch(t -> text(t).contains("<Status>read</Status>"));
        });
        TextMessage read = back.stream().filter(t -> text(t).contains("<Status>read</Status>")).findFirst().orElseThrow();
        assertThat(read.getJMSCorrelationID()).isEqualTo("REQ-5001");
        assertThat(text(read)).startsWith("<WhatsAppStatus><OrderNo>L-5001</OrderNo><CorrelationId>REQ-5001</CorrelationId>")
                .contains("<Event>message.status</Event>");

        // the customer answers: the reply goes back on the same queue, correlated the same way
        customerWrites(phone.substring(1));
        List<TextMessage> replies = new ArrayList<>();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Message m = receive("legacy.orders.whatsapp-status", 1_000);
            if (m instanceof TextMessage t && text(t).contains("<Event>message.reply</Event>")) {
                replies.add(t);
            }
            return !replies.isEmpty();
        });
        assertThat(replies.get(0).getJMSCorrelationID()).isEqualTo("REQ-5001");
        assertThat(text(replies.get(0))).contains("<OrderNo>L-5001</OrderNo>").contains("<ReplyText>hi</ReplyText>");
    }

    @Test
    void aWrongPasswordIsRefused() throws Exception {
        String out = client("legacy-refused", "--queue", "legacy.orders.status", "--text", "<x/>", "--password", "wrong");
        assertThat(out).contains("refused:");
    }

    @Test
    void theTcpPortSpeaksStompAndOpenWireWithTheCredentialsOnly() throws Exception {
        assertThat(stompConnect("legacy", "legacy-secret")).startsWith("CONNECTED");
        assertThat(stompConnect("legacy", "wrong")).startsWith("ERROR");
        // an ActiveMQ Classic (OpenWire) producer puts an order on the queue; the connector takes it
        String phone = newRecipient();
        var openWire = new org.apache.activemq.ActiveMQConnectionFactory("tcp://127.0.0.1:" + BROKER_PORT);
        try (jakarta.jms.Connection connection = openWire.createConnection("legacy", "legacy-secret")) {
            jakarta.jms.Session session = connection.createSession(false, jakarta.jms.Session.AUTO_ACKNOWLEDGE);
            session.createProducer(session.createQueue("legacy.orders.status"))
                    .send(session.createTextMessage(XML.formatted("L-5006", "SHIPPED", phone)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> count(phone) == 1);
    }

    private static String stompConnect(String login, String passcode) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", BROKER_PORT)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("CONNECT\naccept-version:1.2\nhost:localhost\nlogin:" + login + "\npasscode:" + passcode
                    + "\n\n\0").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            byte[] answer = new byte[64];
            int n = socket.getInputStream().read(answer);
            return new String(answer, 0, Math.max(n, 0), java.nio.charset.StandardCharsets.US_ASCII);
        }
    }

    @Test
    void theSameStatusDeliveredAgainMakesNoSecondMessage() {
        String phone = newRecipient();
        String body = XML.formatted("L-5002", "SHIPPED", phone);
        jms.convertAndSend("legacy.orders.status", body);
        await().atMost(Duration.ofSeconds(20)).until(() -> count(phone) == 1);
        jms.convertAndSend("legacy.orders.status", body);
        jms.convertAndSend("legacy.orders.status", XML.formatted("L-5002", "PACKED", phone));
        await().atMost(Duration.ofSeconds(20)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM hub_event WHERE source = '/connectors/legacy-orders-jms' AND event_id = 'L-5002-SHIPPED'", Integer.class) == 1
                && connectorCount("legacy-orders-jms", "received") >= 3);
        assertThat(count(phone)).isEqualTo(1);
    }

    @Test
    void anUnconvertiblePayloadGoesToTheConnectorsDeadLettersWithTheReasonAndTheConsumerGoesOn() throws Exception {
        jms.convertAndSend("legacy.orders.status", "<OrderStatus><OrderNo>L-5003</OrderNo><Status>SHIPPED");
        String phone = newRecipient();
        jms.convertAndSend("legacy.orders.status", XML.formatted("L-5004", "SHIPPED", phone));

        Message dead = receive("hub.connectors.legacy-orders-jms.dlq", 20_000);
        assertThat(dead).isNotNull();
        assertThat(((TextMessage) dead).getText()).isEqualTo("<OrderStatus><OrderNo>L-5003</OrderNo><Status>SHIPPED");
        assertThat(dead.getStringProperty("hubReason")).contains("cannot be read as the connector's format");
        await().atMost(Duration.ofSeconds(20)).until(() -> count(phone) == 1);

        // a payload that is XML but lacks the phone: dead-lettered naming the field
        jms.convertAndSend("legacy.orders.status", "<OrderStatus><OrderNo>L-5005</OrderNo><Status>SHIPPED</Status><Carrier>DHL</Carrier></OrderStatus>");
        Message missing = receive("hub.connectors.legacy-orders-jms.dlq", 20_000);
        assertThat(missing.getStringProperty("hubReason")).contains("event.data.customer.name").contains("event.data.customer.phone");
    }

    @Test
    void aFixedWidthRecordWithReplyToMakesTheMessageAndItsAck() throws Exception {
        String phone = newRecipient();
        String record = String.format("%-10s%-2s%-20s%-15s%-2s%-10s", "D-7001", "SH", "Jonas", phone.replace("+", "00"), "de", "GLS");
        Path file = Files.createTempFile("dispatch-", ".txt");
        Files.writeString(file, record);

        String out = client("legacy-fixed", "--queue", "legacy.dispatch", "--file", file.toString(), "--reply");

        assertThat(out).contains("<Ack><OrderNo>D-7001</OrderNo><Status>ACCEPTED</Status>");
        // without a JMSCorrelationID the request's message id correlates the reply
        String sentId = out.replaceAll("(?s).*sent (\\S+) to.*", "$1");
        assertThat(out).contains("reply JMSCorrelationID=" + sentId);
        assertThat(count(phone)).isEqualTo(1);
        String template = jdbc.queryForObject("SELECT payload FROM hub_message WHERE recipient = ?", String.class, phone);
        assertThat(template).contains("\"Jonas\"").contains("\"D-7001\"").contains("\"GLS\"");
    }

    private String client(String name, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--url", "tcp://127.0.0.1:" + BROKER_PORT));
        all.addAll(List.of(args));
        ForkedJvm tool = ForkedJvm.tool(name + "-" + System.nanoTime(), "dev.whatsapphub.sandbox.LegacyJmsClient", all.toArray(String[]::new));
        tool.runUntilExit(Duration.ofSeconds(60));
        return Files.readString(tool.log());
    }

    /** A receive that gives up after {@code millis} (the shared JmsTemplate's timeout is left alone). */
    private Message receive(String queue, long millis) {
        JmsTemplate receiver = new JmsTemplate(jms.getConnectionFactory());
        receiver.setReceiveTimeout(millis);
        return receiver.receive(queue);
    }

    private int count(String phone) {
        return jdbc.queryForObject("SELECT COUNT(*) FROM hub_message WHERE recipient = ?", Integer.class, phone);
    }

    private long connectorCount(String id, String field) {
        for (var c : http.get("/api/v1/config", java.util.Map.of("X-API-Key", API_KEY)).json().path("connectors")) {
            if (id.equals(c.path("id").asText())) {
                return c.path(field).asLong();
            }
        }
        return -1;
    }

    private static String text(TextMessage m) {
        try {
            return m.getText();
        } catch (jakarta.jms.JMSException e) {
            throw new IllegalStateException(e);
        }
    }
}
