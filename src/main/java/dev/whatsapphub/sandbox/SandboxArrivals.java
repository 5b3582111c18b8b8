package dev.whatsapphub.sandbox;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Instant;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Notes when a request reached the sandbox, before Spring MVC dispatches it: Meta counts a send's
 * arrival at its edge, and the sandbox's rate limits and receive log should not include the time
 * its own (cold) dispatch takes.
 */
class SandboxArrivals extends OncePerRequestFilter {

    static final String AT = "sandboxArrivedAt";
    static final String NANOS = "sandboxArrivedNanos";

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        request.setAttribute(NANOS, System.nanoTime());
        request.setAttribute(AT, Instant.now());
        chain.doFilter(request, response);
    }

    static Instant at(HttpServletRequest request) {
        return request.getAttribute(AT) instanceof Instant at ? at : Instant.now();
    }

    static long nanos(HttpServletRequest request) {
        return request.getAttribute(NANOS) instanceof Long nanos ? nanos : System.nanoTime();
    }
}
