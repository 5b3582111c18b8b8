package dev.whatsapphub.broker;

import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * With a standalone broker ({@code spring.artemis.mode=native}) no embedded one is started: Boot
 * starts it whenever its classes are present unless told otherwise, and it would keep a second,
 * unused journal in the data folder and take CPU from the sends.
 */
public class StandaloneBrokerEnvironment implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if ("native".equalsIgnoreCase(environment.getProperty("spring.artemis.mode", ""))
                && environment.getProperty("spring.artemis.embedded.enabled") == null) {
            environment.getPropertySources().addLast(new MapPropertySource("hubStandaloneBroker", Map.of("spring.artemis.embedded.enabled", "false")));
        }
    }
}
