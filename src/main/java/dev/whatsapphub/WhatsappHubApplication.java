package dev.whatsapphub;

import dev.whatsapphub.sandbox.StandaloneSandbox;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;
import org.springframework.context.annotation.ComponentScan;
import org.springframework.context.annotation.FilterType;
import org.springframework.scheduling.annotation.EnableScheduling;

@SpringBootApplication
@ConfigurationPropertiesScan
@EnableScheduling
// The standalone sandbox is a second application in the same jar; the hub must not pick it up.
@ComponentScan(excludeFilters = @ComponentScan.Filter(type = FilterType.ASSIGNABLE_TYPE, classes = StandaloneSandbox.class))
public class WhatsappHubApplication {

    public static void main(String[] args) {
        SpringApplication.run(WhatsappHubApplication.class, args);
    }
}
