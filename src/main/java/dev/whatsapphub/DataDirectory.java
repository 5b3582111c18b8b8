package dev.whatsapphub;

import java.nio.file.Path;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Makes {@code hub.data-dir} absolute before anything reads it: H2 refuses a database path that
 * is only implicitly relative ("data/db"), and an operator should not have to know that.
 */
public class DataDirectory implements EnvironmentPostProcessor {

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String dataDir = environment.getProperty("hub.data-dir");
        if (dataDir != null && !dataDir.isBlank()) {
            String absolute = Path.of(dataDir).toAbsolutePath().normalize().toString();
            environment.getPropertySources().addFirst(new MapPropertySource("hubDataDir", Map.of("hub.data-dir", absolute)));
        }
    }
}
