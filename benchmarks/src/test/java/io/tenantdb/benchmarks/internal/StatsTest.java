package io.tenantdb.benchmarks.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class StatsTest {

    @Test
    void oddCountTakesTheMiddleValue() {
        Stats s = Stats.of(1.2, 0.8, 1.0, 3.0, 0.9);
        assertThat(s.median()).isEqualTo(1.0);
        assertThat(s.min()).isEqualTo(0.8);
        assertThat(s.max()).isEqualTo(3.0);
    }

    @Test
    void evenCountAveragesTheTwoMiddleValues() {
        assertThat(Stats.of(4, 1, 3, 2).median()).isEqualTo(2.5);
    }

    @Test
    void doesNotReorderTheCallersArray() {
        double[] values = {3, 1, 2};
        Stats.of(values);
        assertThat(values).containsExactly(3, 1, 2);
    }

    @Test
    void refusesAnEmptySample() {
        assertThatThrownBy(Stats::of).isInstanceOf(IllegalArgumentException.class);
    }
}
