package io.tenantdb.observability.internal;

import io.tenantdb.core.TenantId;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class TenantTaggerTest {

    @Test
    void untilTheSketchIsFullEveryOperationIsCounted() {
        TenantTagger tagger = new TenantTagger(2, 16, 1_000_000, tag -> { });
        for (int i = 0; i < 37; i++) {
            tagger.record(TenantId.of("a"));
        }
        tagger.record(TenantId.of("b"));
        assertThat(tagger.estimate(TenantId.of("a"))).isEqualTo(37);
        assertThat(tagger.estimate(TenantId.of("b"))).isEqualTo(1);
        assertThat(tagger.record(TenantId.of("a"))).isEqualTo("a");
    }

    @Test
    void withAThousandTenantsRoundRobinTheHeavyOnesStillWinTheirTagsAndEstimatesStayClose() {
        List<String> demoted = new ArrayList<>();
        TenantTagger tagger = new TenantTagger(3, 64, 1_000_000, demoted::add);
        TenantId[] heavy = {TenantId.of("heavy_a"), TenantId.of("heavy_b"), TenantId.of("heavy_c")};
        int rounds = 40_000;
        for (int round = 0; round < rounds; round++) {
            // the long tail arrives first each round, 1,000 tenants round-robin
            tagger.record(TenantId.of("t" + (round % 1_000)));
            tagger.record(TenantId.of("t" + ((round + 500) % 1_000)));
            for (TenantId h : heavy) {
                tagger.record(h);
            }
        }
        assertThat(tagger.tagged()).containsExactlyInAnyOrder("heavy_a", "heavy_b", "heavy_c");
        assertThat(tagger.sketchSize()).isLessThanOrEqualTo(64);
        for (TenantId h : heavy) {
            // counted one in 8 with weight 8 once saturated: an unbiased estimate (plus the sketch's error)
            assertThat((double) tagger.estimate(h)).isCloseTo(rounds, within(rounds * 0.1));
        }
        assertThat(tagger.record(TenantId.of("t7"))).isEqualTo(TenantTagger.OTHER);
    }
}
