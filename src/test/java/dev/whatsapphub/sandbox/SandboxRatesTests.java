package dev.whatsapphub.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class SandboxRatesTests {

    private static final long SECOND = 1_000_000_000L;
    private final SandboxRates rates = new SandboxRates(new SandboxProperties(true, List.of(), "s", null, Duration.ZERO,
            new SandboxProperties.Statuses(Duration.ZERO, Duration.ZERO, Duration.ZERO, true),
            new SandboxProperties.Webhooks(50, 16, Duration.ofHours(1), Duration.ofSeconds(1), Duration.ofSeconds(30)), 80,
            new SandboxProperties.PairRate(45, Duration.ofSeconds(6)), Duration.ofSeconds(2)));

    @Test
    void eightyPerRollingSecondThenRefused() {
        for (int i = 0; i < 80; i++) {
            assertThat(rates.numberAllows("n", i * 1_000_000L)).isTrue();
        }
        assertThat(rates.numberAllows("n", SECOND - 1)).isFalse();
        assertThat(rates.numberAllows("n", SECOND)).as("the first call left the window").isTrue();
    }

    @Test
    void pairBucketHoldsABurstOf45ThenOnePerSixSeconds() {
        for (int i = 0; i < 45; i++) {
            assertThat(rates.pairAllows("n", "u", 0)).isTrue();
        }
        assertThat(rates.pairAllows("n", "u", 0)).isFalse();
        assertThat(rates.pairAllows("n", "u", 5 * SECOND)).isFalse();
        assertThat(rates.pairAllows("n", "u", 6 * SECOND)).isTrue();
        assertThat(rates.pairAllows("n", "other", 6 * SECOND)).isTrue();
    }
}
