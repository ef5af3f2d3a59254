package io.tenantdb.clickhouse;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;

/** The SQL TCK under schema_per_tenant. */
class ClickHouseSchemaPerTenantIT extends ClickHouseTckBase {

    static final TenantId A = TenantId.of("chsc_a");
    static final TenantId B = TenantId.of("chsc_b");
    static TenantDb db;

    @BeforeAll
    static void start() {
        db = ClickHouseIts.tenantDb(IsolationStrategy.SCHEMA_PER_TENANT, "tdbit_chsc");
        ClickHouseIts.provision(db, A, B);
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.deprovision(A).then(db.deprovision(B)).block(Duration.ofSeconds(120));
            db.close();
            ClickHouseIts.admin("DROP DATABASE IF EXISTS tdbit_chsc"); // the shared database of this test
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
