package io.tenantdb.clickhouse;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;

/** The SQL TCK under database_per_tenant. */
class ClickHouseDatabasePerTenantIT extends ClickHouseTckBase {

    static final TenantId A = TenantId.of("chdb_a");
    static final TenantId B = TenantId.of("chdb_b");
    static TenantDb db;

    @BeforeAll
    static void start() {
        db = ClickHouseIts.tenantDb(IsolationStrategy.DATABASE_PER_TENANT, "tdbit_chdb");
        ClickHouseIts.provision(db, A, B);
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.deprovision(A).then(db.deprovision(B)).block(Duration.ofSeconds(120));
            db.close();
        }
    }

    @Override
    TenantDb db() {
        return db;
    }

    @Override
    public TenantId tenantA() {
        return A;
    }

    @Override
    public TenantId tenantB() {
        return B;
    }
}
