package io.tenantdb.observability.internal;

import io.tenantdb.core.TenantId;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class TrendAndAnomalyMathTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    @Test
    void anExactLineCrossesExactlyWhereItShould() {
        LinearTrend trend = new LinearTrend(Duration.ofMinutes(10), 1000);
        for (int t = 0; t <= 10; t++) {
            trend.add(T0.plusSeconds(t), 10 + 2.0 * t);
        }
        assertThat(trend.predictCrossing(T0.plusSeconds(10), 50, true, Duration.ofMinutes(1))).isEqualTo(T0.plusSeconds(20));
        assertThat(trend.predictCrossing(T0.plusSeconds(10), 50, true, Duration.ofSeconds(5))).as("beyond the horizon").isNull();
        assertThat(trend.predictCrossing(T0.plusSeconds(10), 0, false, Duration.ofMinutes(1))).as("wrong direction").isNull();
    }

    @Test
    void theWindowForgetsOldSamples() {
        LinearTrend trend = new LinearTrend(Duration.ofSeconds(30), 1000);
        for (int t = 0; t <= 100; t++) {
            trend.add(T0.plusSeconds(t), t);
        }
        assertThat(trend.size()).isEqualTo(31);
    }

    @Test
    void ewmaFlagsAStepButNotItsNoise() {
        EwmaAnomalyDetector d = new EwmaAnomalyDetector(0.1, 10, 0.0, 0.0);
        Random r = new Random(11);
        List<Double> z = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            z.add(d.score(100 + r.nextGaussian() * 5));
        }
        assertThat(z).allSatisfy(v -> assertThat(v).isLessThan(4.5));
        assertThat(d.score(160)).isGreaterThan(8);
        assertThat(d.score(40)).as("a drop is no anomaly").isNegative();
    }

    @Test
    void tenantTaggerHalvesCountsSoNewHeavyTenantsTakeOver() {
        TenantTagger tagger = new TenantTagger(1, 16, 1000, tag -> { });
        for (int i = 0; i < 5000; i++) {
            tagger.record(TenantId.of("old"));
        }
        assertThat(tagger.tagged()).containsExactly("old");
        for (int i = 0; i < 20_000; i++) {
            tagger.record(TenantId.of("fresh"));
        }
        assertThat(tagger.tagged()).containsExactly("fresh");
        assertThat(tagger.tagOf(TenantId.of("old"))).isEqualTo(TenantTagger.OTHER);
    }
}
