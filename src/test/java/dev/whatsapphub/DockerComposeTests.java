package dev.whatsapphub;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** docker-compose.yml cannot run here (no Docker engine): its promises to users are checked by reading it. */
class DockerComposeTests {

    @SuppressWarnings("unchecked")
    private static Map<String, Map<String, Object>> services() throws Exception {
        Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("docker-compose.yml")));
        return (Map<String, Map<String, Object>>) compose.get("services");
    }

    @Test
    void everyServiceHasAHealthCheckAndTheHubWaitsForTheOthersToBeHealthy() throws Exception {
        var services = services();
        assertThat(services).containsKeys("artemis", "postgres", "sandbox", "standins", "hub");
        services.forEach((name, service) -> assertThat(service).as(name).containsKey("healthcheck"));
        @SuppressWarnings("unchecked")
        Map<String, Map<String, String>> dependsOn = (Map<String, Map<String, String>>) services.get("hub").get("depends_on");
        assertThat(dependsOn).containsOnlyKeys("artemis", "postgres", "sandbox", "standins");
        dependsOn.values().forEach(d -> assertThat(d).containsEntry("condition", "service_healthy"));
    }

    @Test
    void everyReferenceOfTheShippedConnectorFilesIsSetForTheHub() throws Exception {
        @SuppressWarnings("unchecked")
        Map<String, Object> env = (Map<String, Object>) services().get("hub").get("environment");
        for (String name : new String[] {"salesforce.yaml", "zendesk.yaml"}) {
            java.util.regex.Matcher refs = java.util.regex.Pattern.compile("\\$\\{env:([A-Z_]+)}")
                    .matcher(java.nio.file.Files.readString(java.nio.file.Path.of("connectors", name)));
            while (refs.find()) {
                assertThat(env).as(name + " references " + refs.group(1)).containsKey(refs.group(1));
            }
        }
    }

    @Test
    void theHubReadsRoutesAndConnectorsFromTheRepositoryFolders() throws Exception {
        var hub = services().get("hub");
        @SuppressWarnings("unchecked")
        List<String> volumes = (List<String>) hub.get("volumes");
        @SuppressWarnings("unchecked")
        Map<String, String> env = (Map<String, String>) hub.get("environment");
        assertThat(volumes).contains("./routes:" + env.get("HUB_ROUTES_DIR"), "./connectors:" + env.get("HUB_CONNECTORS_DIR"));
        assertThat(Path.of("routes")).isDirectory();
        assertThat(Path.of("connectors")).isDirectory();
    }

    @Test
    void noPublishedPortClashesWithALocalPostgreSQL() throws Exception {
        services().forEach((name, service) -> {
            @SuppressWarnings("unchecked")
            List<String> ports = (List<String>) service.getOrDefault("ports", List.of());
            assertThat(ports).as(name).noneMatch(p -> p.startsWith("5432:"));
        });
    }

    @Test
    void theHubTalksToTheComposeBrokerDatabaseAndSandboxByServiceName() throws Exception {
        var services = services();
        @SuppressWarnings("unchecked")
        Map<String, String> env = (Map<String, String>) services.get("hub").get("environment");
        assertThat(env.get("SPRING_ARTEMIS_BROKER_URL")).isEqualTo("tcp://artemis:61616");
        assertThat(env.get("HUB_DB_URL")).startsWith("jdbc:postgresql://postgres:5432/");
        assertThat(env.get("HUB_SENDERS_PRIMARY_BASE_URL")).isEqualTo("http://sandbox:9090/sandbox");
        assertThat(services.get("sandbox").get("command").toString()).contains("--sandbox.webhook-url=http://hub:8080/webhooks/whatsapp");
    }
}
