package dev.whatsapphub.outbound;

import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.impl.ChainElement;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.springframework.stereotype.Component;

/**
 * Takes the number's send slot inside the HTTP client, once the connection is ready and just
 * before the request is written: whatever ran between an earlier slot and the write (Camel, the
 * connection pool, a pause of the JVM) would otherwise let sends reach Meta closer together than
 * their slots, and Meta counts arrivals. The lane's thread says which number and lane it sends for.
 */
@Component(PacedTransport.BEAN)
class PacedTransport implements HttpClientConfigurer {

    static final String BEAN = "pacedTransport";

    /** The hub is stopping while a lane waited for its slot: nothing was sent. */
    static final class StoppedWaiting extends RuntimeException {
        StoppedWaiting(InterruptedException cause) {
            super("stopped while waiting for a send slot", cause);
        }
    }

    private record Slot(String alias, String lane) {
    }

    private static final ThreadLocal<Slot> NEXT = new ThreadLocal<>();

    private final SendPacing pacing;
    private final CloudApiLatency latency;

    PacedTransport(SendPacing pacing, CloudApiLatency latency) {
        this.pacing = pacing;
        this.latency = latency;
    }

    /** The next request this thread sends is paced for {@code alias}'s number, on behalf of {@code lane}. */
    static void paceNextRequest(String alias, String lane) {
        NEXT.set(new Slot(alias, lane));
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.addExecInterceptorBefore(ChainElement.MAIN_TRANSPORT.name(), "hub-send-slot", (request, scope, chain) -> {
            Slot slot = NEXT.get();
            if (slot == null) {
                return chain.proceed(request, scope);
            }
            NEXT.remove();
            try {
                pacing.awaitNumberSlot(slot.alias(), slot.lane());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StoppedWaiting(e);
            }
            long written = System.nanoTime();
            var answer = chain.proceed(request, scope);
            latency.record(slot.alias(), System.nanoTime() - written);
            return answer;
        });
    }
}
