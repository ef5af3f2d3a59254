package io.tenantdb.observability;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.spi.PoolMetricsSource.PoolStats;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.tenantdb.core.spi.Health.Status.UP;
import static org.assertj.core.api.Assertions.assertThat;

class PoolMetricsTest {

    @Test
    void gaugesSumTheEnginesPoolsAndFollowThemLive() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        FakeEngine pg = new FakeEngine(DatabaseType.POSTGRESQL, UP);
        FakeEngine redis = new FakeEngine(DatabaseType.REDIS, UP);
        pg.pools = List.of(new PoolStats(DatabaseType.POSTGRESQL, "a", 3, 1, 2, 10),
                new PoolStats(DatabaseType.POSTGRESQL, "b", 1, 4, 0, 5));

        PoolMetrics.of(() -> List.of(pg, redis)).bindTo(registry);

        assertThat(registry.get(MetricNames.POOL_ACQUIRED).tag("engine", "postgresql").gauge().value()).isEqualTo(4);
        assertThat(registry.get(MetricNames.POOL_IDLE).tag("engine", "postgresql").gauge().value()).isEqualTo(5);
        assertThat(registry.get(MetricNames.POOL_PENDING).tag("engine", "postgresql").gauge().value()).isEqualTo(2);
        assertThat(registry.get(MetricNames.POOL_MAX).tag("engine", "postgresql").gauge().value()).isEqualTo(15);
        assertThat(registry.get(MetricNames.POOL_COUNT).tag("engine", "redis").gauge().value()).isZero();

        pg.pools = List.of();
        assertThat(registry.get(MetricNames.POOL_ACQUIRED).tag("engine", "postgresql").gauge().value()).isZero();
    }
}
