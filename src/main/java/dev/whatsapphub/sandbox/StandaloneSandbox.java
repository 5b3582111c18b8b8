package dev.whatsapphub.sandbox;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.autoconfigure.context.ConfigurationPropertiesAutoConfiguration;
import org.springframework.boot.autoconfigure.context.PropertyPlaceholderAutoConfiguration;
import org.springframework.boot.autoconfigure.http.HttpMessageConvertersAutoConfiguration;
import org.springframework.boot.autoconfigure.jackson.JacksonAutoConfiguration;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.boot.autoconfigure.validation.ValidationAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.DispatcherServletAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.ServletWebServerFactoryAutoConfiguration;
import org.springframework.boot.autoconfigure.web.servlet.WebMvcAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Import;

/**
 * The sandbox as its own process, for benchmarks and docker-compose:
 * {@code java -Dloader.main=dev.whatsapphub.sandbox.StandaloneSandbox -jar target/whatsapp-hub-<version>.jar}.
 * It reads {@code sandbox.yml}, not the hub's configuration, and starts no broker or database.
 */
@SpringBootConfiguration
@ImportAutoConfiguration({PropertyPlaceholderAutoConfiguration.class, ConfigurationPropertiesAutoConfiguration.class,
        JacksonAutoConfiguration.class, HttpMessageConvertersAutoConfiguration.class, ValidationAutoConfiguration.class,
        ServletWebServerFactoryAutoConfiguration.class, DispatcherServletAutoConfiguration.class,
        WebMvcAutoConfiguration.class, TaskExecutionAutoConfiguration.class})
@EnableConfigurationProperties(SandboxProperties.class)
@Import({SandboxConfiguration.class, SandboxGraphController.class, SandboxTemplateController.class, SandboxControlController.class,
        SandboxCustomersController.class, SandboxCallbacksController.class})
public class StandaloneSandbox {

    public static void main(String[] args) {
        new SpringApplicationBuilder(StandaloneSandbox.class).properties("spring.config.name=sandbox").run(args);
    }
}
