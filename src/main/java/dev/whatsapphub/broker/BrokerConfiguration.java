package dev.whatsapphub.broker;

import dev.whatsapphub.HubProperties;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.Destination;
import jakarta.jms.JMSException;
import jakarta.jms.Session;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.camel.component.jms.JmsComponent;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jms.connection.CachingConnectionFactory;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.jms.support.destination.DestinationResolver;
import org.springframework.jms.support.destination.DynamicDestinationResolver;

/** The queues between the stages and how the broker treats messages that keep failing. */
@Configuration(proxyBeanMethods = false)
public class BrokerConfiguration {

    /**
     * Options of a queue consumer route: a local JMS transaction per message on the listener's
     * cached session, which sends from the route join (Camel's lazily created
     * JmsTransactionManager would open a broker connection per message instead).
     */
    public static String transactedConsumer(String queue, int consumers) {
        return transactedConsumer(queue, String.valueOf(consumers));
    }

    /** The same, the count as text (a route template's placeholder). */
    public static String transactedConsumer(String queue, String consumers) {
        return "jms:queue:" + queue + "?transacted=true&lazyCreateTransactionManager=false&exposeListenerSession=true"
                + "&cacheLevelName=CACHE_CONSUMER&concurrentConsumers=" + consumers + "&maxConcurrentConsumers=" + consumers;
    }

    /** The embedded broker gets the hub's policy in its configuration, before it starts. */
    @Bean
    ArtemisConfigurationCustomizer hubAddressSettings() {
        return configuration -> {
            BrokerPolicy.addressSettings().forEach(configuration::addAddressSetting);
            BrokerPolicy.DEAD_LETTER_QUEUES.forEach(dlq -> configuration.addQueueConfiguration(BrokerPolicy.deadLetterQueue(dlq)));
        };
    }

    @Bean
    @ConditionalOnProperty(name = "spring.artemis.mode", havingValue = "native")
    BrokerManagement brokerManagement(ConnectionFactory connectionFactory, HubProperties properties) {
        return new BrokerManagement(unwrapped(connectionFactory), properties.broker().managementTimeout());
    }

    @Bean
    @ConditionalOnProperty(name = "spring.artemis.mode", havingValue = "native")
    StandaloneBrokerPolicy standaloneBrokerPolicy(BrokerManagement management, HubProperties properties, ArtemisProperties artemis) {
        return new StandaloneBrokerPolicy(management, properties, artemis);
    }

    /**
     * Camel's consumers get the broker's own connection factory: Spring's listener containers
     * cache their sessions themselves; the caching factory is for JmsTemplate's sends.
     */
    @Bean
    JmsComponent jms(ConnectionFactory connectionFactory, ObjectProvider<StandaloneBrokerPolicy> standalonePolicy) {
        // a standalone broker gets the hub's policy before any route consumes from it
        standalonePolicy.ifAvailable(StandaloneBrokerPolicy::ensure);
        JmsComponent jms = JmsComponent.jmsComponent(unwrapped(connectionFactory));
        jms.getConfiguration().setDestinationResolver(new ResolvedOnce());
        return jms;
    }

    private static ConnectionFactory unwrapped(ConnectionFactory connectionFactory) {
        return connectionFactory instanceof CachingConnectionFactory caching ? caching.getTargetConnectionFactory() : connectionFactory;
    }

    /**
     * The template for the hub's own sends (accepted messages, webhook batches): Boot's would wrap
     * every session and producer in Micrometer observation proxies, about 6% of the CPU of a
     * message on the send path, for traces nobody reads on an in-VM queue.
     */
    @Bean
    JmsTemplate jmsTemplate(ConnectionFactory connectionFactory) {
        JmsTemplate template = new JmsTemplate(connectionFactory);
        template.setDestinationResolver(new ResolvedOnce());
        return template;
    }

    /**
     * Resolves a queue name once: Artemis's {@code Session.createQueue} asks the broker whether the
     * queue exists, a blocking round trip that Spring's DynamicDestinationResolver made on every send
     * (5 % of the send API's CPU). An Artemis destination is a name, valid in any session.
     */
    static final class ResolvedOnce implements DestinationResolver {
        private final DynamicDestinationResolver resolver = new DynamicDestinationResolver();
        private final Map<String, Destination> queues = new ConcurrentHashMap<>();
        private final Map<String, Destination> topics = new ConcurrentHashMap<>();

        @Override
        public Destination resolveDestinationName(Session session, String name, boolean pubSubDomain) throws JMSException {
            Map<String, Destination> known = pubSubDomain ? topics : queues;
            Destination destination = known.get(name);
            if (destination == null) {
                destination = resolver.resolveDestinationName(session, name, pubSubDomain);
                known.put(name, destination);
            }
            return destination;
        }
    }
}
