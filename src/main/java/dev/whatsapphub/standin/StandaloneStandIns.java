package dev.whatsapphub.standin;

import dev.whatsapphub.standin.salesforce.SalesforceStandInConfiguration;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.Import;

/**
 * The connectors' stand-ins as their own process, so they outlive a hub that is killed:
 * {@code java -Dloader.main=dev.whatsapphub.standin.StandaloneStandIns -jar target/whatsapp-hub-<version>.jar}.
 * It reads {@code standins.yml} (HTTP on 9091, Salesforce's Pub/Sub gRPC on 7011), not the hub's configuration.
 */
@SpringBootConfiguration
@ImportAutoConfiguration({PropertyPlaceholderAutoConfiguration.class, ConfigurationPropertiesAutoConfiguration.class,
        JacksonAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class, ValidationAutoConfiguration.class,
        ServletWebServerFactoryAutoConfiguration.class, DispatcherServletAutoConfiguration.class, WebMvcAutoConfiguration.class})
@EnableConfigurationProperties(StandInProperties.class)
@Import(SalesforceStandInConfiguration.class)
@ComponentScan(basePackageClasses = StandaloneStandIns.class, useDefaultFilters = false,
        includeFilters = @ComponentScan.Filter(org.springframework.web.bind.annotation.RestController.class))
public class StandaloneStandIns {

    public static void main(String[] args) {
        new SpringApplicationBuilder(StandaloneStandIns.class).properties("spring.config.name=standins").run(args);
    }
}
