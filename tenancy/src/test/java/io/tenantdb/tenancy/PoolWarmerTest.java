package io.tenantdb.tenancy;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.OperationInfo;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantId;
import io.tenantdb.tenancy.warming.PoolWarmer;
import io.tenantdb.tenancy.warming.TenantActivity;
import io.tenantdb.tenancy.warming.WarmingConfig;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** The activity average and the warmer's choices, without a server (the PostgreSQL case is {@code PoolWarmingIT}). */
class PoolWarmerTest {

    static final DatabaseType PG = DatabaseType.POSTGRESQL;

    static void operations(TenantActivity activity, String tenant, int n, String name) {
        OperationInfo op = new OperationInfo(PG, TenantId.of(tenant), OperationKind.READ, name);
        for (int i = 0; i < n; i++) {
            activity.apply(op, Mono.just(1)).block();
        }
    }

    @Test
    void busierTenantsArePredictedFirstAndTheWarmersOwnOperationsDoNotCount() throws InterruptedException {
        TenantActivity activity = new TenantActivity(Duration.ofSeconds(10), 100);
        operations(activity, "busy", 200, "query");
        operations(activity, "medium", 50, "query");
        operations(activity, "rare", 1, "query");
        operations(activity, "warmed_only", 500, "warmup");
        operations(activity, "warmed_only", 500, "pool_metrics");
        Thread.sleep(20);
        List<TenantId> predicted = activity.predicted(PG, 1.0, 10);
        assertThat(predicted).containsExactly(TenantId.of("busy"), TenantId.of("medium"));
        assertThat(activity.rate(PG, TenantId.of("busy"))).isGreaterThan(activity.rate(PG, TenantId.of("medium")));
        assertThat(activity.rate(PG, TenantId.of("warmed_only"))).isZero();
        assertThat(activity.predicted(PG, 1.0, 1)).containsExactly(TenantId.of("busy"));
        assertThat(activity.predicted(DatabaseType.REDIS, 0.000001, 10)).as("per engine").isEmpty();
    }

    @Test
    void trackedTenantsAreBounded() {
        TenantActivity activity = new TenantActivity(Duration.ofSeconds(10), 20);
        for (int i = 0; i < 500; i++) {
            operations(activity, "t" + i, 1, "query");
        }
        assertThat(activity.tracked(PG)).isLessThanOrEqualTo(20);
    }

    @Test
    void aCycleWarmsPredictedColdPoolsWithinTheHeadroomAndCloseStops() throws InterruptedException {
        TenantActivity activity = new TenantActivity(Duration.ofSeconds(10), 100);
        operations(activity, "busy", 200, "query");
        operations(activity, "already_warm", 200, "query");
        operations(activity, "medium", 100, "query");
        operations(activity, "rare", 1, "query");
        Thread.sleep(20);
        Set<TenantId> warm = ConcurrentHashMap.newKeySet();
        warm.add(TenantId.of("already_warm"));
        Map<TenantId, AtomicInteger> warmups = new ConcurrentHashMap<>();
        AtomicInteger room = new AtomicInteger(1);
        PoolWarmer warmer = PoolWarmer.builder(activity, PG)
                .warm(t -> Mono.fromSupplier(() -> {
                    warmups.computeIfAbsent(t, k -> new AtomicInteger()).incrementAndGet();
                    warm.add(t);
                    room.decrementAndGet();
                    return 1;
                }))
                .isWarm(t -> Mono.just(warm.contains(t)))
                .headroom(room::get, 1)
                .config(new WarmingConfig(true, Duration.ofMillis(20), Duration.ofSeconds(10), 1.0, 10, 100))
                .build();

        assertThat(warmer.cycle().block()).as("room for one pool only").isEqualTo(1);
        assertThat(warmups).containsOnlyKeys(TenantId.of("busy"));
        room.set(5);
        assertThat(warmer.cycle().block()).isEqualTo(1);
        assertThat(warmups).containsOnlyKeys(TenantId.of("busy"), TenantId.of("medium"));
        assertThat(warmer.cycle().block()).as("all predicted pools are warm").isZero();

        // periodic: a pool dropped again is warmed again, until closed
        warmer.start();
        warm.remove(TenantId.of("busy"));
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (!warm.contains(TenantId.of("busy")) && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(warmups.get(TenantId.of("busy"))).hasValue(2);
        warmer.close();
        assertThat(warmer.isRunning()).isFalse();
        long cycles = warmer.cycleCount();
        Thread.sleep(100);
        assertThat(warmer.cycleCount()).as("no cycle after close").isEqualTo(cycles);
        assertThat(warmups).doesNotContainKey(TenantId.of("rare"));
    }

    @Test
    void offByDefault() {
        TenantActivity activity = new TenantActivity(Duration.ofSeconds(10), 100);
        PoolWarmer warmer = PoolWarmer.builder(activity, PG).warm(t -> Mono.just(1)).isWarm(t -> Mono.just(false)).build()
                .start();
        assertThat(warmer.isRunning()).isFalse();
        assertThat(WarmingConfig.DEFAULT.enabled()).isFalse();
        warmer.close();
        WarmingConfig sample = WarmingConfig.from(io.tenantdb.core.config.ConfigLoader.of(java.nio.file.Path.of("..", "config"))
                .loadDatabaseConfig(PG, null, "production"));
        assertThat(sample.enabled()).isFalse();
        assertThat(sample.interval()).isEqualTo(Duration.ofSeconds(30));
        assertThat(sample.halfLife()).isEqualTo(Duration.ofMinutes(5));
        assertThat(sample.minRate()).isEqualTo(0.05);
    }
}
