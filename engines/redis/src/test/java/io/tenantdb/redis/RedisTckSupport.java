package io.tenantdb.redis;

import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.testkit.tck.KeyValueSessionTck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.Map;

/**
 * Runs the core {@link KeyValueSessionTck} on the Redis engine; each subclass supplies one isolation
 * strategy's configuration. Tenants are unique per run, provisioned before and deprovisioned (keys,
 * ACL users) after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RedisTckSupport implements KeyValueSessionTck {

    private final TenantId a = RedisIt.uniqueTenant("tcka");
    private final TenantId b = RedisIt.uniqueTenant("tckb");
    private TenantDb db;

    /** @return the base configuration */
    abstract DatabaseConfig base();

    /** @param tenant a tenant @return its own configuration, or {@code null} for the base */
    DatabaseConfig tenantConfig(TenantId tenant, int index) {
        return null;
    }

    @BeforeAll
    void startAndProvision() {
        Map<TenantId, DatabaseConfig> tenants = new java.util.HashMap<>();
        if (tenantConfig(a, 0) != null) {
            tenants.put(a, tenantConfig(a, 0));
            tenants.put(b, tenantConfig(b, 1));
        }
        db = RedisIt.db(base(), tenants);
        db.provision(a).block(Duration.ofSeconds(30));
        db.provision(b).block(Duration.ofSeconds(30));
    }

    @AfterAll
    void deprovisionAndClose() {
        if (db != null) {
            db.deprovision(a).block(Duration.ofSeconds(60));
            db.deprovision(b).block(Duration.ofSeconds(60));
            db.close();
        }
    }

    @Override
    public TenantDb tenantDb() {
        return db;
    }

    @Override
    public TenantId tenantA() {
        return a;
    }

    @Override
    public TenantId tenantB() {
        return b;
    }
}
