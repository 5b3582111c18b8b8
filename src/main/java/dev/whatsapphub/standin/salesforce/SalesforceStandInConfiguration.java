package dev.whatsapphub.standin.salesforce;

import dev.whatsapphub.standin.StandInProperties;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The Salesforce stand-in exists only where {@code standin.salesforce.enabled=true}: the sandbox profile, or its own process. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "standin.salesforce.enabled", havingValue = "true")
public class SalesforceStandInConfiguration {

    @Bean
    SalesforceOrg salesforceOrg() {
        return new SalesforceOrg();
    }

    /** The gRPC server starts before Camel's routes (a connector subscribes at once) and stops after them. */
    @Bean
    SmartLifecycle salesforcePubSubStandIn(SalesforceOrg org, StandInProperties properties) {
        StandInProperties.Salesforce salesforce = properties.salesforce();
        PubSubStandIn pubSub = new PubSubStandIn(org, salesforce.orgId());
        return new SmartLifecycle() {
            private volatile boolean running;

            @Override
            public void start() {
                try {
                    pubSub.start(salesforce.grpcHost(), salesforce.grpcPort());
                } catch (java.io.IOException e) {
                    throw new IllegalStateException("The Salesforce stand-in cannot listen on " + salesforce.grpcHost() + ":"
                            + salesforce.grpcPort() + " (standin.salesforce.grpc-port): " + e.getMessage(), e);
                }
                running = true;
            }

            @Override
            public void stop() {
                try {
                    pubSub.stop();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                running = false;
            }

            @Override
            public boolean isRunning() {
                return running;
            }

            @Override
            public int getPhase() {
                return Integer.MIN_VALUE + 100;
            }
        };
    }
}
