package dev.whatsapphub.connectors;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.core.env.Environment;

/**
 * Values a connector file names rather than holds: {@code ${env:NAME}} is the environment
 * variable or hub property NAME (the sandbox profile sets the sandbox's), {@code ${file:path}} the
 * trimmed content of a file (relative to the connectors folder). Secrets must be references, so a
 * file can be committed and shared.
 */
final class References {

    private static final Pattern REFERENCE = Pattern.compile("\\$\\{(env|file):([^}]+)}");

    /** Thrown with the rule an operator must follow. */
    static final class Unresolved extends RuntimeException {
        Unresolved(String message) {
            super(message);
        }
    }

    private final Environment environment;
    private final Path folder;

    References(Environment environment, Path folder) {
        this.environment = environment;
        this.folder = folder;
    }

    static boolean isReference(String value) {
        return REFERENCE.matcher(value.trim()).matches();
    }

    /** A secret: must be a reference. */
    String secret(String value) {
        if (!isReference(value)) {
            throw new Unresolved("give a secret by reference, ${env:NAME} or ${file:path}, never in the file");
        }
        return resolve(value);
    }

    /** An address or name: a reference, or the value itself. */
    String resolve(String value) {
        Matcher m = REFERENCE.matcher(value.trim());
        if (!m.matches()) {
            return value;
        }
        String name = m.group(2).trim();
        if ("env".equals(m.group(1))) {
            String found = environment.getProperty(name);
            if (found == null || found.isBlank()) {
                throw new Unresolved(name + " is not set (an environment variable or a hub property)");
            }
            return found;
        }
        Path file = folder.resolve(name);
        try {
            return Files.readString(file, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new Unresolved("cannot read " + file + ": " + e.getMessage());
        }
    }
}
