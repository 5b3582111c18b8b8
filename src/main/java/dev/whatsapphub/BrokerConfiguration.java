package dev.whatsapphub;

import jakarta.jms.ConnectionFactory;
import org.apache.activemq.artemis.core.settings.impl.AddressSettings;
import org.apache.camel.component.jms.JmsComponent;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.core.JmsTemplate;

/** The queues between the stages and how the broker treats messages that keep failing. */
@Configuration(proxyBeanMethods = false)
public class BrokerConfiguration {

    /**
     * Options of a queue consumer route: a local JMS transaction per message on the listener's
     * cached session, which sends from the route join (Camel's lazily created
     * JmsTransactionManager would open a broker connection per message instead).
     */
    public static String transactedConsumer(String queue, int consumers) {
        return "jms:queue:" + queue + "?transacted=true&lazyCreateTransactionManager=false&exposeListenerSession=true"
                + "&cacheLevelName=CACHE_CONSUMER&concurrentConsumers=" + consumers + "&maxConcurrentConsumers=" + consumers;
    }

    /**
     * Outbound lanes: a message is only rolled back on purpose (paused sender) or by a crash, so
     * it is redelivered at once, keeping its place on its lane, and not given up on early.
     * Webhook batches are retried with a pause and end in their own dead-letter queue.
     */
    @Bean
    ArtemisConfigurationCustomizer hubAddressSettings() {
        return configuration -> {
            // a lane has one consumer in the deployment (exclusive): its recipients' messages are attempted in order
            configuration.addAddressSetting("hub.outbound.#", new AddressSettings()
                    .setMaxDeliveryAttempts(1000)
                    .setRedeliveryDelay(0)
                    .setDefaultExclusiveQueue(true)
                    // no prefetch: a lane takes its next message when it is ready for it
                    .setDefaultConsumerWindowSize(0)
                    .setDeadLetterAddress(SimpleString("hub.outbound.dlq")));
            configuration.addAddressSetting("hub.outbound.dlq", new AddressSettings().setMaxDeliveryAttempts(-1)
                    .setDefaultExclusiveQueue(false));
            // an event the hub could not take for a passing reason (templates not synced, database down)
            configuration.addAddressSetting("hub.events", new AddressSettings()
                    .setMaxDeliveryAttempts(10)
                    .setRedeliveryDelay(1000)
                    .setRedeliveryMultiplier(2)
                    .setMaxRedeliveryDelay(60_000)
                    .setDeadLetterAddress(SimpleString("hub.events.dlq")));
            configuration.addAddressSetting("hub.webhooks", new AddressSettings()
                    .setMaxDeliveryAttempts(10)
                    .setRedeliveryDelay(1000)
                    .setRedeliveryMultiplier(2)
                    .setDeadLetterAddress(SimpleString("hub.webhooks.dlq")));
        };
    }

    /**
     * Camel's consumers get the broker's own connection factory: Spring's listener containers
     * cache their sessions themselves; the caching factory is for JmsTemplate's sends.
     */
    @Bean
    JmsComponent jms(ConnectionFactory connectionFactory) {
        ConnectionFactory target = connectionFactory instanceof CachingConnectionFactory caching
                ? caching.getTargetConnectionFactory() : connectionFactory;
        return JmsComponent.jmsComponent(target);
    }

    /**
     * The template for the hub's own sends (accepted messages, webhook batches): Boot's would wrap
     * every session and producer in Micrometer observation proxies, about 6% of the CPU of a
     * message on the send path, for traces nobody reads on an in-VM queue.
     */
    @Bean
    JmsTemplate jmsTemplate(ConnectionFactory connectionFactory) {
        return new JmsTemplate(connectionFactory);
    }

    private static org.apache.activemq.artemis.api.core.SimpleString SimpleString(String s) {
        return org.apache.activemq.artemis.api.core.SimpleString.of(s);
    }
}
