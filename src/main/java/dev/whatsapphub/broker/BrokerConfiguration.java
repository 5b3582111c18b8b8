package dev.whatsapphub.broker;

import dev.whatsapphub.HubProperties;
import jakarta.jms.ConnectionFactory;
import org.apache.camel.component.jms.JmsComponent;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisProperties;
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
        return JmsComponent.jmsComponent(unwrapped(connectionFactory));
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
        return new JmsTemplate(connectionFactory);
    }
}
