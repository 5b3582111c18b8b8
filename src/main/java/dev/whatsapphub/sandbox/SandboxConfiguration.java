package dev.whatsapphub.sandbox;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;

/** The sandbox exists only where {@code sandbox.enabled=true}: the sandbox profile, never production. */
@Configuration(proxyBeanMethods = false)
@ConditionalOnProperty(name = "sandbox.enabled", havingValue = "true")
class SandboxConfiguration {

    private static final Logger log = LoggerFactory.getLogger(SandboxConfiguration.class);

    @Bean
    SandboxState sandboxState(SandboxProperties properties, ObjectMapper mapper) {
        properties.phoneNumbers().forEach(n -> log.info("Sandbox Cloud API serves phone-number id {} (WABA {}, {})",
                n.id(), n.wabaId(), n.displayNumber()));
        return new SandboxState(properties, mapper);
    }

    @Bean(destroyMethod = "close")
    SandboxWebhooks sandboxWebhooks(SandboxProperties properties) {
        log.info("Sandbox webhooks go to {}", properties.webhookUrl());
        return new SandboxWebhooks(properties);
    }

    @Bean
    FilterRegistrationBean<SandboxArrivals> sandboxArrivals() {
        FilterRegistrationBean<SandboxArrivals> registration = new FilterRegistrationBean<>(new SandboxArrivals());
        registration.addUrlPatterns("/sandbox/*");
        registration.setOrder(Ordered.HIGHEST_PRECEDENCE);
        return registration;
    }

    @Bean
    SandboxMedia sandboxMedia() {
        return new SandboxMedia();
    }

    @Bean
    SandboxCustomers sandboxCustomers() {
        return new SandboxCustomers();
    }

    @Bean
    SandboxMessages sandboxMessages(SandboxProperties properties, SandboxState state, SandboxWebhooks webhooks, SandboxCustomers customers) {
        return new SandboxMessages(properties, state, new SandboxRates(properties), webhooks, customers);
    }

}
