package io.tenantdb.clickhouse;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.testkit.tck.SqlSessionTck;
import reactor.core.publisher.Mono;

/**
 * The SQL TCK's ClickHouse dialect: tables written {@code {table:tracks}}, series from
 * {@code numbers(n)}, no transactions, and no row-count for {@code ALTER ... UPDATE/DELETE}
 * (asynchronous mutations on ClickHouse), so the TCK's update/delete steps are covered by
 * {@link ClickHouseCrossTenantIT} instead.
 */
abstract class ClickHouseTckBase implements SqlSessionTck {

    /** @return the running TenantDb of the subclass */
    abstract TenantDb db();

    /** @return the definition of the tracks table under this strategy */
    String tracksDefinition() {
        return ClickHouseIts.TRACKS;
    }

    @Override
    public TenantDb tenantDb() {
        return db();
    }

    @Override
    public DatabaseType engine() {
        return DatabaseType.CLICKHOUSE;
    }

    @Override
    public Mono<Void> resetTracks(TenantId tenant) {
        ClickHouseSession s = ClickHouseIts.session(db());
        return s.createTable("tracks", tracksDefinition()).then(s.truncate("tracks"));
    }

    @Override
    public String tracks() {
        return "{table:tracks}";
    }

    @Override
    public String updateSql() {
        return null;
    }

    @Override
    public String deleteSql() {
        return null;
    }

    @Override
    public String seriesSql(int rows) {
        return "SELECT number + 1 AS n FROM numbers(" + rows + ")";
    }

    @Override
    public boolean supportsTransactions() {
        return false;
    }
}
