package dev.whatsapphub.api;

import dev.whatsapphub.HubProperties;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.HandlerInterceptor;

/** {@code X-API-Key} names the connected system that calls; its name scopes what it may read. */
@Component
class ApiKeyInterceptor implements HandlerInterceptor {

    static final String HEADER = "X-API-Key";
    static final String CLIENT = "hubClient";

    private final HubProperties properties;

    ApiKeyInterceptor(HubProperties properties) {
        this.properties = properties;
    }

    @Override
    public boolean preHandle(HttpServletRequest request, HttpServletResponse response, Object handler) {
        String key = request.getHeader(HEADER);
        if (key == null || key.isBlank()) {
            throw new ApiProblem(HttpStatus.UNAUTHORIZED, "unauthorized", "Missing API key",
                    "Send the key of your connected system in the " + HEADER + " header");
        }
        for (Map.Entry<String, HubProperties.Client> client : properties.clients().entrySet()) {
            if (MessageDigest.isEqual(key.getBytes(StandardCharsets.UTF_8), client.getValue().apiKey().getBytes(StandardCharsets.UTF_8))) {
                request.setAttribute(CLIENT, client.getKey());
                return true;
            }
        }
        throw new ApiProblem(HttpStatus.UNAUTHORIZED, "unauthorized", "Unknown API key",
                "The " + HEADER + " header does not match any key in hub.clients");
    }
}
