package dev.whatsapphub.broker;

import dev.whatsapphub.HubProperties;
import java.util.Set;
import javax.security.auth.Subject;
import org.apache.activemq.artemis.core.remoting.impl.invm.InVMConnection;
import org.apache.activemq.artemis.core.security.CheckType;
import org.apache.activemq.artemis.core.security.Role;
import org.apache.activemq.artemis.core.server.embedded.EmbeddedActiveMQ;
import org.apache.activemq.artemis.spi.core.protocol.RemotingConnection;
import org.apache.activemq.artemis.spi.core.security.ActiveMQSecurityManager5;
import org.apache.activemq.artemis.spi.core.security.jaas.UserPrincipal;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.jms.artemis.ArtemisConfigurationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Legacy producers reach the embedded broker over TCP ({@code hub.broker.tcp-host}:{@code tcp-port},
 * the protocols Artemis accepts by default) with the one user {@code hub.broker.tcp-user}; the
 * hub's own connections stay in-VM and need none. A security manager of our own: Artemis's
 * built-in ones know users and roles, not where a connection comes from, and the in-VM factory
 * Spring Boot makes carries no credentials.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "spring.artemis.mode", havingValue = "embedded", matchIfMissing = true)
class EmbeddedBrokerAccess {

    static final String ACCEPTOR = "legacy-tcp";

    @Bean
    ArtemisConfigurationCustomizer legacyAcceptor(HubProperties properties) {
        HubProperties.Broker broker = properties.broker();
        return configuration -> {
            if (!broker.tcpEnabled()) {
                return;
            }
            if (broker.tcpUser() == null || broker.tcpUser().isBlank() || broker.tcpPassword() == null || broker.tcpPassword().isBlank()) {
                throw new IllegalStateException("hub.broker.tcp-user and hub.broker.tcp-password must be set for the embedded broker's TCP"
                        + " port (or hub.broker.tcp-enabled=false)");
            }
            try {
                configuration.addAcceptorConfiguration(ACCEPTOR, "tcp://" + broker.tcpHost() + ":" + broker.tcpPort()
                        + "?protocols=CORE,AMQP,STOMP,OPENWIRE");
            } catch (Exception e) {
                throw new IllegalStateException("hub.broker.tcp-host/tcp-port: " + e.getMessage(), e);
            }
            configuration.setSecurityEnabled(true);
        };
    }

    @Bean
    static BeanPostProcessor legacyLogin(org.springframework.beans.factory.ObjectProvider<HubProperties> properties) {
        return new BeanPostProcessor() {
            @Override
            public Object postProcessBeforeInitialization(Object bean, String name) {
                if (bean instanceof EmbeddedActiveMQ broker) {
                    HubProperties.Broker config = properties.getObject().broker();
                    broker.setSecurityManager(new Login(config.tcpUser(), config.tcpPassword()));
                }
                return bean;
            }
        };
    }

    /** In-VM connections are the hub's own; over TCP only the configured user, who may do all but manage the broker. */
    static final class Login implements ActiveMQSecurityManager5 {

        private final String user;
        private final String password;

        Login(String user, String password) {
            this.user = user;
            this.password = password;
        }

        @Override
        public Subject authenticate(String user, String password, RemotingConnection connection, String securityDomain) {
            if (connection != null && connection.getTransportConnection() instanceof InVMConnection) {
                return subject("hub");
            }
            return validateUser(user, password) ? subject(user) : null;
        }

        @Override
        public boolean authorize(Subject subject, Set<Role> roles, CheckType checkType, String address) {
            return subject != null && (checkType != CheckType.MANAGE || subject.getPrincipals(UserPrincipal.class).stream()
                    .anyMatch(p -> "hub".equals(p.getName())));
        }

        @Override
        public boolean validateUser(String user, String password) {
            return this.user != null && this.user.equals(user) && this.password != null && this.password.equals(password);
        }

        @Override
        public boolean validateUserAndRole(String user, String password, Set<Role> roles, CheckType checkType) {
            return validateUser(user, password) && checkType != CheckType.MANAGE;
        }

        private static Subject subject(String name) {
            Subject subject = new Subject();
            subject.getPrincipals().add(new UserPrincipal(name));
            return subject;
        }
    }
}
