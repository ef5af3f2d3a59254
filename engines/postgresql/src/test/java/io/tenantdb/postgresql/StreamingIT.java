package io.tenantdb.postgresql;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.session.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.scheduler.Schedulers;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import static org.assertj.core.api.Assertions.assertThat;

/** Large results stream with back-pressure instead of being buffered. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamingIT {

    private final String run = PgIt.unique();
    private final TenantId tenant = TenantId.of("streamer");
    private TenantDb db;

    @BeforeAll
    void start() {
        db = TenantDb.builder().engines(DatabaseType.POSTGRESQL)
                .engineConfig(PgIt.config(DatabaseType.POSTGRESQL, IsolationStrategy.SCHEMA_PER_TENANT, run, PgIt.pool(2),
                        Map.of("fetch_size", 500)))
                .build();
        PgIt.block(db.provision(tenant));
    }

    @AfterAll
    void stop() {
        PgIt.block(db.deprovision(tenant));
        PgIt.block(db.closeAsync());
    }

    @Test
    void aMillionRowsReachASlowSubscriberInFull() {
        AtomicLong sum = new AtomicLong();
        Runtime rt = Runtime.getRuntime();
        AtomicLong maxUsed = new AtomicLong();
        Long count = db.sql(DatabaseType.POSTGRESQL)
                .query(Statement.of("SELECT n, repeat('x', 100) AS pad FROM generate_series(1, 1000000) AS n"),
                        r -> r.get(0, Long.class))
                // a slow-ish consumer on a thread that may block: it pauses now and then
                .publishOn(Schedulers.boundedElastic(), 256)
                .doOnNext(n -> {
                    sum.addAndGet(n);
                    if (n % 50_000 == 0) {
                        LockSupport.parkNanos(20_000_000L);
                        maxUsed.accumulateAndGet(rt.totalMemory() - rt.freeMemory(), Math::max);
                    }
                })
                .count()
                .contextWrite(TenantContext.of(tenant))
                .block(java.time.Duration.ofMinutes(4));
        assertThat(count).isEqualTo(1_000_000L);
        assertThat(sum.get()).isEqualTo(1_000_000L * 1_000_001L / 2);
        System.out.printf("1M rows streamed; max heap used seen by the subscriber: %d MB of %d MB max%n",
                maxUsed.get() >> 20, rt.maxMemory() >> 20);
    }
}
