package io.tenantdb.clickhouse;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.time.Duration;

/** The SQL TCK under row_level_security. */
class ClickHouseRowLevelSecurityIT extends ClickHouseTckBase {

    static final TenantId A = TenantId.of("chrl_a");
    static final TenantId B = TenantId.of("chrl_b");
    static TenantDb db;

    @BeforeAll
    static void start() {
        db = ClickHouseIts.tenantDb(IsolationStrategy.ROW_LEVEL_SECURITY, "tdbit_chrl");
        ClickHouseIts.provision(db, A, B);
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.deprovision(A).then(db.deprovision(B)).block(Duration.ofSeconds(120));
            db.close();
            ClickHouseIts.admin("DROP DATABASE IF EXISTS tdbit_chrl"); // the shared database of this test
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

    @Override
    String tracksDefinition() {
        return ClickHouseIts.SHARED_TRACKS;
    }
}
