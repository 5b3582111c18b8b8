import java.io.InputStream;
import java.io.OutputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Load generator for bench/send-benchmark.sh (run with `java bench/SendBenchmark.java`, no
 * dependencies): posts N template messages to POST /api/v1/messages with C concurrent clients,
 * then follows the hub's own counters until every message is accepted by the (sandbox) Cloud
 * API and every "read" status is stored. Prints one line of figures.
 */
public class SendBenchmark {

    private static final Pattern COUNT = Pattern.compile("\"statistic\"\\s*:\\s*\"COUNT\"\\s*,\\s*\"value\"\\s*:\\s*([0-9.E]+)");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        int total = Integer.parseInt(args[1]);
        int clients = Integer.parseInt(args[2]);
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
        double acceptedBefore = counter(http, base + "/actuator/metrics/hub.outbound.accepted");
        double readBefore = counter(http, base + "/actuator/metrics/hub.statuses.recorded?tag=status:read");

        AtomicInteger next = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long start = System.nanoTime();
        for (int c = 0; c < clients; c++) {
            pool.execute(() -> {
                for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
                    String body = "{\"to\":\"+34612" + String.format("%06d", i) + "\",\"template\":{\"name\":\"hello_world\",\"language\":\"en_US\"}}";
                    if (post(base + "/api/v1/messages", body) != 202) {
                        refused.incrementAndGet();
                    }
                }
            });
        }
        pool.shutdown();
        pool.awaitTermination(10, TimeUnit.MINUTES);
        long posted = System.nanoTime();
        if (args.length > 3 && "post-only".equals(args[3])) {
            System.out.printf("messages=%d clients=%d refused=%d api_rate=%.0f/s%n", total, clients, refused.get(), rate(total, start, posted));
            return;
        }

        long acceptedAt = 0;
        long readAt = 0;
        long deadline = posted + TimeUnit.MINUTES.toNanos(5);
        while ((acceptedAt == 0 || readAt == 0) && System.nanoTime() < deadline) {
            if (acceptedAt == 0 && counter(http, base + "/actuator/metrics/hub.outbound.accepted") - acceptedBefore >= total) {
                acceptedAt = System.nanoTime();
            }
            if (readAt == 0 && counter(http, base + "/actuator/metrics/hub.statuses.recorded?tag=status:read") - readBefore >= total) {
                readAt = System.nanoTime();
            }
            Thread.sleep(20);
        }
        System.out.printf("messages=%d clients=%d refused=%d api_rate=%.0f/s accepted_rate=%.0f/s read_rate=%.0f/s%n",
                total, clients, refused.get(), rate(total, start, posted), rate(total, start, acceptedAt), rate(total, start, readAt));
    }

    /** A plain keep-alive connection per thread: the lightest client the JDK has, to leave the CPU to the hub. */
    private static int post(String url, String body) {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL(url).openConnection();
            c.setRequestMethod("POST");
            c.setDoOutput(true);
            c.setRequestProperty("Content-Type", "application/json");
            c.setRequestProperty("X-API-Key", "sandbox-key");
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            c.setFixedLengthStreamingMode(bytes.length);
            try (OutputStream out = c.getOutputStream()) {
                out.write(bytes);
            }
            int status = c.getResponseCode();
            try (InputStream in = status < 400 ? c.getInputStream() : c.getErrorStream()) {
                if (in != null) {
                    in.readAllBytes();
                }
            }
            return status;
        } catch (Exception e) {
            return -1;
        }
    }

    private static double rate(int total, long start, long end) {
        return end == 0 ? 0 : total / ((end - start) / 1e9);
    }

    private static double counter(HttpClient http, String url) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 404) {
            return 0;
        }
        Matcher m = COUNT.matcher(response.body());
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }
}
