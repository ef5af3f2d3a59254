package io.tenantdb.postgresql.internal;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TimeSeriesSqlTest {

    private static final String S = "\"tenant_a\"";

    @Test
    void hypertableNamesAndIntervalAreBindParameters() {
        TimeSeriesSql.Sql sql = TimeSeriesSql.createHypertable(S, "plays", "played_at", Duration.ofDays(1));
        assertThat(sql.sql()).isEqualTo("SELECT create_hypertable($1::regclass, $2::name, chunk_time_interval => "
                + "$3::interval, if_not_exists => true)");
        assertThat(sql.binds()).containsExactly("\"tenant_a\".\"plays\"", "played_at", "86400 seconds");
    }

    @Test
    void retentionCompressionAndContinuousAggregateUseTheTimescalePolicies() {
        assertThat(TimeSeriesSql.addRetentionPolicy(S, "plays", Duration.ofDays(30)).sql())
                .isEqualTo("SELECT add_retention_policy($1::regclass, $2::interval, if_not_exists => true)");
        List<TimeSeriesSql.Sql> c = TimeSeriesSql.compression(S, "plays", "track_id", Duration.ofDays(7));
        assertThat(c.get(0).sql()).isEqualTo("ALTER TABLE \"tenant_a\".\"plays\" SET (timescaledb.compress, "
                + "timescaledb.compress_segmentby = '\"track_id\"')");
        assertThat(c.get(1).sql()).startsWith("SELECT add_compression_policy($1::regclass, $2::interval");
        assertThat(c.get(1).binds()).containsExactly("\"tenant_a\".\"plays\"", "604800 seconds");
        List<TimeSeriesSql.Sql> agg = TimeSeriesSql.continuousAggregate(S, "plays_daily",
                "SELECT time_bucket('1 day', played_at) AS day, count(*) FROM \"tenant_a\".plays GROUP BY 1", Duration.ofHours(1));
        assertThat(agg.get(0).sql()).isEqualTo("CREATE MATERIALIZED VIEW IF NOT EXISTS \"tenant_a\".\"plays_daily\" WITH "
                + "(timescaledb.continuous) AS SELECT time_bucket('1 day', played_at) AS day, count(*) FROM \"tenant_a\".plays "
                + "GROUP BY 1 WITH NO DATA");
        assertThat(agg.get(1).sql()).contains("add_continuous_aggregate_policy");
        assertThat(TimeSeriesSql.refreshContinuousAggregate(S, "plays_daily").sql())
                .isEqualTo("CALL refresh_continuous_aggregate('\"tenant_a\".\"plays_daily\"', NULL, NULL)");
    }

    @Test
    void injectionInNamesIsRefused() {
        assertThatThrownBy(() -> TimeSeriesSql.createHypertable(S, "plays; DROP TABLE x", "t", Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TimeSeriesSql.compression(S, "plays", "a') --", Duration.ofDays(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void nativePartitionsAreAlignedAndNamedByTheirStart() {
        Instant now = Instant.parse("2026-11-25T19:04:26Z");
        List<TimeSeriesSql.Sql> p = TimeSeriesSql.createPartitions(S, "plays", now, Duration.ofDays(1), 1);
        assertThat(p).hasSize(2);
        assertThat(p.get(0).sql()).isEqualTo("CREATE TABLE IF NOT EXISTS \"tenant_a\".\"plays_p20261125T0000\" PARTITION OF "
                + "\"tenant_a\".\"plays\" FOR VALUES FROM ('2026-11-25 00:00:00+00:00') TO ('2026-11-26 00:00:00+00:00')");
        assertThat(p.get(1).sql()).contains("plays_p20261126T0000");
        assertThatThrownBy(() -> TimeSeriesSql.createPartitions(S, "plays", now, Duration.ofSeconds(30), 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minutes");
        assertThat(TimeSeriesSql.createTable(S, "plays", "played_at timestamptz NOT NULL", "played_at", true).sql())
                .endsWith("PARTITION BY RANGE (\"played_at\")");
    }
}
