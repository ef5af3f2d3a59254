package io.tenantdb.postgresql;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.exception.ConfigException;
import io.tenantdb.core.spi.Engine;
import io.tenantdb.core.spi.PoolMetricsSource;
import io.tenantdb.postgresql.internal.PoolProbe;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static io.tenantdb.testkit.tck.TckSupport.all;
import static io.tenantdb.testkit.tck.TckSupport.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Tenant-tiered pooling: a hot tenant with {@code postgresql.dedicated_pool} in its own
 * configuration runs on a pool of its own, whose connections stay bound to it, while the long tail
 * shares the server's pool and re-binds per operation; isolation is the same on both.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DedicatedPoolsIT {

    private static final int ROUNDS = 10;
    private static final int HOT_POOL = 2;

    private final String run = PgIt.unique();
    private final TenantId hot = TenantId.of("hot");
    private final TenantId tailA = TenantId.of("tail_a");
    private final TenantId tailB = TenantId.of("tail_b");
    private final List<TenantId> tenants = List.of(hot, tailA, tailB);
    private TenantDb db;

    private String schema() {
        return run + "_rls";
    }

    private String role() {
        return run + "_app";
    }

    /** @param extra keys added to the postgresql section */
    private DatabaseConfig rlsConfig(Map<String, Object> extra) {
        Map<String, Object> section = new HashMap<>(Map.of("rls_role", role(), "rls_schema", schema()));
        section.putAll(extra);
        // the shared pool holds one connection: two long-tail tenants alternating on it re-bind every time
        return PgIt.config(DatabaseType.POSTGRESQL, IsolationStrategy.ROW_LEVEL_SECURITY, run, PgIt.pool(1), section);
    }

    @BeforeAll
    void start() {
        RowLevelSecurityIT.createSharedTracks(schema(), role());
        db = TenantDb.builder().engines(DatabaseType.POSTGRESQL)
                .engineConfig(rlsConfig(Map.of()))
                // what config/tenants/hot/postgresql.yml with dedicated_pool: {max_size: 2} merges to
                .tenantConfig(hot, rlsConfig(Map.of("dedicated_pool", Map.of("max_size", HOT_POOL))))
                .build();
        Flux.fromIterable(tenants).concatMap(db::provision).blockLast(PgIt.WAIT);
    }

    @AfterAll
    void stop() {
        PgIt.block(db.closeAsync());
        RowLevelSecurityIT.dropShared(schema(), role());
    }

    private PostgresSession pg() {
        return db.session(DatabaseType.POSTGRESQL, PostgresSession.class);
    }

    /** Inserts one row as the tenant and returns the server process that ran it. */
    private int insert(TenantId tenant, long id) {
        return as(tenant, pg().query("INSERT INTO tracks (id, name) VALUES ($1, $2) RETURNING pg_backend_pid()",
                id, tenant.value()).map(r -> r.get(0, Integer.class)).single());
    }

    private Map<String, Long> bindings() {
        return PoolProbe.bindings(db.engine(DatabaseType.POSTGRESQL));
    }

    private long hotBindings() {
        return bindings().entrySet().stream().filter(e -> e.getKey().endsWith("#" + hot))
                .mapToLong(Map.Entry::getValue).sum();
    }

    private long sharedBindings() {
        return bindings().entrySet().stream().filter(e -> !e.getKey().contains("#"))
                .mapToLong(Map.Entry::getValue).sum();
    }

    /** @return the tenant's rows as seen by the tenant: {@code tenant_id:name} */
    private List<String> rowsOf(TenantId tenant, long fromId, long toId) {
        return all(tenant, pg().query("SELECT tenant_id || ':' || name FROM tracks WHERE id >= $1 AND id < $2",
                fromId, toId).map(r -> r.get(0, String.class)));
    }

    @Test
    void hotTenantRunsOnItsOwnPoolWithoutRebindingWhileTheLongTailSharesOne() {
        long sharedBefore = sharedBindings();
        Map<TenantId, Set<Integer>> pids = new HashMap<>();
        for (int round = 0; round < ROUNDS; round++) {
            for (TenantId t : tenants) {
                pids.computeIfAbsent(t, k -> new HashSet<>()).add(insert(t, round));
            }
        }

        // the hot tenant's statements ran on server processes of its own pool, never on the shared one
        Set<Integer> tail = new HashSet<>(pids.get(tailA));
        tail.addAll(pids.get(tailB));
        assertThat(pids.get(hot)).hasSizeBetween(1, HOT_POOL).doesNotContainAnyElementsOf(tail);
        assertThat(pids.get(tailA)).isEqualTo(pids.get(tailB)).hasSize(1);

        // its connections were bound once each, never re-bound; the shared one re-bound per operation
        assertThat(hotBindings()).isBetween(1L, (long) HOT_POOL);
        assertThat(sharedBindings() - sharedBefore).isGreaterThanOrEqualTo(2L * ROUNDS - 1);

        // the pools are visible to pool gauges: the hot tenant's sized by dedicated_pool
        List<PoolMetricsSource.PoolStats> stats = ((PoolMetricsSource) db.engine(DatabaseType.POSTGRESQL)).poolStats();
        assertThat(stats).anySatisfy(s -> {
            assertThat(s.pool()).endsWith("/" + PgIt.server().database() + "#hot");
            assertThat(s.max()).isEqualTo(HOT_POOL);
        });
        assertThat(stats).anySatisfy(s -> {
            assertThat(s.pool()).endsWith("/" + PgIt.server().database());
            assertThat(s.max()).isEqualTo(1);
        });
        assertThat(as(hot, pg().poolMetrics()).getMaxAllocatedSize()).isEqualTo(HOT_POOL);
        assertThat(as(tailA, pg().poolMetrics()).getMaxAllocatedSize()).isEqualTo(1);

        // zero cross-tenant rows under RLS
        for (TenantId t : tenants) {
            assertThat(rowsOf(t, 0, ROUNDS)).hasSize(ROUNDS).containsOnly(t + ":" + t);
        }
        assertThat(PgIt.queryLong("SELECT count(*) FROM \"" + schema() + "\".tracks WHERE id < " + ROUNDS))
                .isEqualTo(3L * ROUNDS);
    }

    @Test
    void concurrentTenantsSeeOnlyTheirRowsAndTheHotPoolStillNeverRebinds() {
        long from = 1_000;
        Flux.fromIterable(tenants)
                .flatMap(t -> Flux.range(0, 20).concatMap(i -> pg().execute("INSERT INTO tracks (id, name) VALUES ($1, $2)",
                        from + i, t.value())).contextWrite(TenantContext.of(t)))
                .blockLast(PgIt.WAIT);
        for (TenantId t : tenants) {
            assertThat(rowsOf(t, from, from + 20)).hasSize(20).containsOnly(t + ":" + t);
        }
        assertThat(hotBindings()).isBetween(1L, (long) HOT_POOL);
    }

    @Test
    void aTenantFileWithDedicatedPoolGivesThatTenantItsOwnPool(@TempDir Path dir) throws IOException {
        String prefix = run + "_f";
        Files.writeString(dir.resolve("postgresql.yml"), "connection:\n"
                + "  hosts:\n    - host: " + PgIt.server().host() + "\n      port: " + PgIt.server().port() + "\n"
                + "  database: " + PgIt.server().database() + "\n"
                + "  user: " + PgIt.server().user() + "\n"
                + "pool:\n  max_size: 1\n"
                + "tenant_isolation:\n  strategy: schema_per_tenant\n  prefix: \"" + prefix + "_{{tenant_id}}_\"\n");
        Files.createDirectories(dir.resolve("tenants/hot"));
        Files.writeString(dir.resolve("tenants/hot/postgresql.yml"), "postgresql:\n  dedicated_pool:\n    max_size: 3\n");
        TenantDb fromFiles = TenantDb.builder().configDirectory(dir).environmentVariables(Map.of())
                .engines(DatabaseType.POSTGRESQL).build();
        List<TenantId> two = List.of(hot, tailA);
        try {
            Flux.fromIterable(two).concatMap(fromFiles::provision).blockLast(PgIt.WAIT);
            for (TenantId t : two) {
                assertThat(as(t, fromFiles.sql(DatabaseType.POSTGRESQL).query("SELECT current_schema()::text")
                        .map(r -> r.get(0, String.class)).single())).isEqualTo(prefix + "_" + t);
            }
            List<PoolMetricsSource.PoolStats> stats = ((PoolMetricsSource) fromFiles.engine(DatabaseType.POSTGRESQL))
                    .poolStats();
            assertThat(stats).anySatisfy(s -> {
                assertThat(s.pool()).endsWith("#hot");
                assertThat(s.max()).isEqualTo(3);
            });
            assertThat(stats).noneSatisfy(s -> assertThat(s.pool()).endsWith("#" + tailA));
        } finally {
            Flux.fromIterable(two).concatMap(fromFiles::deprovision).blockLast(PgIt.WAIT);
            PgIt.block(fromFiles.closeAsync());
        }
    }

    @Test
    void dedicatedPoolInTheBaseConfigurationIsRefused() {
        assertThatThrownBy(() -> {
            TenantDb bad = TenantDb.builder().engines(DatabaseType.POSTGRESQL)
                    .engineConfig(rlsConfig(Map.of("dedicated_pool", Map.of("max_size", 2)))).build();
            try {
                bad.engine(DatabaseType.POSTGRESQL);
            } finally {
                PgIt.block(bad.closeAsync());
            }
        }).isInstanceOf(ConfigException.class)
                .hasMessageContaining("dedicated_pool")
                .hasMessageContaining("config/tenants/{tenant_id}/postgresql.yml");
    }

    @Test
    void schemaTenantsWithADedicatedPoolStayWithinMaxPoolsAndTheConnectionBudget() {
        String prefix = run + "_s";
        Map<String, Object> section = Map.of("max_pools", 2, "connection_budget", 2, "tenant_ddl",
                List.of("CREATE TABLE IF NOT EXISTS {schema}.notes (id bigint PRIMARY KEY)"));
        TenantId warm = TenantId.of("warm");
        List<TenantId> three = List.of(hot, warm, tailA);
        Map<String, Object> hotSection = new HashMap<>(section);
        hotSection.put("dedicated_pool", Map.of("max_size", HOT_POOL));
        TenantDb schemas = TenantDb.builder().engines(DatabaseType.POSTGRESQL)
                .engineConfig(PgIt.config(DatabaseType.POSTGRESQL, IsolationStrategy.SCHEMA_PER_TENANT, prefix,
                        PgIt.pool(1), section))
                .tenantConfig(hot, PgIt.config(DatabaseType.POSTGRESQL, IsolationStrategy.SCHEMA_PER_TENANT, prefix,
                        PgIt.pool(1), hotSection))
                .tenantConfig(warm, PgIt.config(DatabaseType.POSTGRESQL, IsolationStrategy.SCHEMA_PER_TENANT, prefix,
                        PgIt.pool(1), hotSection))
                .build();
        Engine engine = schemas.engine(DatabaseType.POSTGRESQL);
        try {
            Flux.fromIterable(three).concatMap(schemas::provision).blockLast(PgIt.WAIT);
            for (int round = 0; round < 3; round++) {
                for (TenantId t : three) {
                    // unqualified SQL resolves in the tenant's schema, on whichever pool it uses
                    assertThat(as(t, schemas.sql(DatabaseType.POSTGRESQL).query("SELECT current_schema()::text")
                            .map(r -> r.get(0, String.class)).single())).isEqualTo(prefix + "_" + t);
                    assertThat(as(t, schemas.sql(DatabaseType.POSTGRESQL).execute("INSERT INTO notes VALUES ($1)", round)))
                            .isEqualTo(1L);
                    // three pools wanted (two dedicated, one shared), max_pools = 2: the least recently used idle one was closed
                    assertThat(PoolProbe.pools(engine)).isBetween(1, 2);
                    assertThat(PoolProbe.budgetUsed(engine, PgIt.server().host(), PgIt.server().port()))
                            .isBetween(0, 2);
                }
            }
            for (TenantId t : three) {
                assertThat(all(t, schemas.sql(DatabaseType.POSTGRESQL).query("SELECT count(*) FROM notes")
                        .map(r -> ((Number) r.get(0)).longValue()))).containsExactly(3L);
            }
            // deprovisioning the hot tenant closes its own pool
            PgIt.block(schemas.deprovision(hot));
            assertThat(PoolProbe.bindings(engine).keySet()).noneMatch(name -> name.endsWith("#" + hot));
        } finally {
            Flux.fromIterable(three).concatMap(schemas::deprovision).blockLast(PgIt.WAIT);
            PgIt.block(schemas.closeAsync());
        }
    }
}
