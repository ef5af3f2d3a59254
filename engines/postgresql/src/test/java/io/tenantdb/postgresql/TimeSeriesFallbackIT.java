package io.tenantdb.postgresql;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.spi.Health;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.tenantdb.testkit.tck.TckSupport.all;
import static io.tenantdb.testkit.tck.TckSupport.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The timescaledb engine without the extension (as on this server): the same API falls back to
 * native range partitioning, maintained by tenantdb, and says so in health().
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TimeSeriesFallbackIT {

    private final String run = PgIt.unique();
    private final TenantId tenant = TenantId.of("metrics");
    private TenantDb db;

    @BeforeAll
    void start() {
        assertThat(PgIt.queryLong("SELECT count(*) FROM pg_extension WHERE extname = 'timescaledb'"))
                .as("this test covers the fallback: the server must not have timescaledb").isZero();
        db = TenantDb.builder().engines(DatabaseType.TIMESCALEDB)
                .engineConfig(PgIt.config(DatabaseType.TIMESCALEDB, IsolationStrategy.SCHEMA_PER_TENANT, run, PgIt.pool(2),
                        Map.of(), Map.of("chunk_interval", 3600, "retention", 86400)))
                .build();
        PgIt.block(db.provision(tenant));
    }

    @AfterAll
    void stop() {
        PgIt.block(db.deprovision(tenant));
        PgIt.block(db.closeAsync());
    }

    private PostgresSession pg() {
        return db.session(DatabaseType.TIMESCALEDB, PostgresSession.class);
    }

    private long partitions() {
        return PgIt.queryLong("SELECT count(*) FROM pg_inherits i WHERE i.inhparent = to_regclass($1)",
                "\"" + run + "_metrics\".plays");
    }

    @Test
    void partitionedTableMaintenanceRetentionAndAggregates() {
        TimeSeries ts = pg().timeSeries();
        assertThat(as(tenant, ts.createTable("plays", "played_at timestamptz NOT NULL, track bigint NOT NULL",
                "played_at", Duration.ofDays(1)))).isEqualTo(TimeSeries.Mode.NATIVE_PARTITIONING);
        assertThat(as(tenant, ts.mode())).isEqualTo(TimeSeries.Mode.NATIVE_PARTITIONING);
        assertThat(partitions()).isEqualTo(2);
        assertThat(PgIt.queryLong("SELECT count(*) FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
                + "JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = 'plays' "
                + "AND p.partstrat = 'r'", run + "_metrics")).isEqualTo(1);

        // idempotent, and creates the upcoming partitions
        assertThat(as(tenant, ts.maintain("plays", "played_at", Duration.ofDays(1), 3))).isEqualTo(2);
        assertThat(as(tenant, ts.maintain("plays", "played_at", Duration.ofDays(1), 3))).isZero();
        assertThat(partitions()).isEqualTo(4);

        // an old partition with old data, and current data
        as(tenant, pg().execute("CREATE TABLE {schema}.plays_old PARTITION OF {schema}.plays "
                + "FOR VALUES FROM ('2020-01-01 00:00:00+00') TO ('2020-01-02 00:00:00+00')"));
        as(tenant, pg().execute("INSERT INTO {schema}.plays VALUES ('2020-01-01 12:00:00+00', 1), (now(), 2), (now(), 3)"));

        assertThat(as(tenant, ts.createAggregate("plays_per_track",
                "SELECT track, count(*) AS n FROM {schema}.plays GROUP BY track", Duration.ofHours(1))))
                .isEqualTo(TimeSeries.Mode.NATIVE_PARTITIONING);
        as(tenant, ts.refreshAggregate("plays_per_track"));
        assertThat(all(tenant, pg().query("SELECT sum(n) FROM {schema}.plays_per_track").map(r -> r.get(0, Long.class))))
                .containsExactly(3L);

        assertThat(as(tenant, ts.applyRetention("plays", Duration.ofDays(30)))).isEqualTo(1);
        assertThat(partitions()).isEqualTo(4);
        List<Long> left = all(tenant, pg().query("SELECT track FROM {schema}.plays ORDER BY track").map(r -> r.get(0, Long.class)));
        assertThat(left).containsExactly(2L, 3L);

        assertThat(as(tenant, ts.enableCompression("plays", "track", Duration.ofDays(7)))).isFalse();
    }

    @Test
    void defaultsComeFromTheTimescaledbSection() {
        TimeSeries ts = pg().timeSeries();
        // chunk_interval: 3600 s in this test's configuration
        assertThat(as(tenant, ts.createTable("events", "at timestamptz NOT NULL, v int", "at"))).isEqualTo(TimeSeries.Mode.NATIVE_PARTITIONING);
        assertThat(PgIt.queryLong("SELECT count(*) FROM pg_inherits i WHERE i.inhparent = to_regclass($1)",
                "\"" + run + "_metrics\".events")).isEqualTo(2);
        assertThat(PgIt.queryLong("SELECT count(*) FROM pg_class WHERE relname LIKE 'events\\_p%' AND relname NOT LIKE '%T0000' "
                + "AND relnamespace = to_regnamespace($1)", "\"" + run + "_metrics\"")).isGreaterThanOrEqualTo(1);
        assertThat(as(tenant, ts.applyRetention("events"))).isZero();
    }

    @Test
    void healthSaysTheExtensionIsAbsent() {
        List<Health> health = db.health().collectList().block(PgIt.WAIT);
        assertThat(health).hasSize(1);
        assertThat(health.get(0).status()).isEqualTo(Health.Status.UP);
        assertThat(health.get(0).engine()).isEqualTo(DatabaseType.TIMESCALEDB);
        assertThat(health.get(0).detail()).contains("timescaledb extension absent").contains("native range partitioning");
    }
}
