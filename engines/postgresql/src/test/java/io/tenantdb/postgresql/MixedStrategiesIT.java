package io.tenantdb.postgresql;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.OperationInfo;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.OperationOperator;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;

import static io.tenantdb.testkit.tck.TckSupport.all;
import static io.tenantdb.testkit.tck.TckSupport.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One TenantDb, three tenants, three strategies (chosen per tenant): the same SQL reaches each
 * tenant's own database, schema or rows; every operation passes the operator chain.
 */
class MixedStrategiesIT {

    private final String run = PgIt.unique();

    @Test
    void eachTenantRunsUnderItsOwnStrategyThroughTheOperatorChain() {
        String schema = run + "_rls";
        String role = run + "_app";
        RowLevelSecurityIT.createSharedTracks(schema, role);
        Map<String, Object> ddl = Map.of("tenant_ddl",
                List.of("CREATE TABLE IF NOT EXISTS {schema}.tracks (id bigint PRIMARY KEY, name text, plays bigint)"));
        DatabaseConfig free = PgIt.config(DatabaseType.POSTGRESQL, IsolationStrategy.ROW_LEVEL_SECURITY, run, PgIt.pool(4),
                Map.of("rls_role", role, "rls_schema", schema));
        DatabaseConfig pro = PgIt.config(DatabaseType.POSTGRESQL, IsolationStrategy.SCHEMA_PER_TENANT, run, PgIt.pool(4), ddl);
        DatabaseConfig premium = PgIt.config(DatabaseType.POSTGRESQL, IsolationStrategy.DATABASE_PER_TENANT, run,
                PgIt.pool(2), ddl);
        TenantId freeTenant = TenantId.of("spotify_free");
        TenantId proTenant = TenantId.of("spotify_pro");
        TenantId premiumTenant = TenantId.of("spotify_premium");
        ConcurrentLinkedQueue<String> seen = new ConcurrentLinkedQueue<>();
        TenantDb db = TenantDb.builder().engines(DatabaseType.POSTGRESQL).engineConfig(free)
                .tenantConfig(proTenant, pro).tenantConfig(premiumTenant, premium)
                .operator(new OperationOperator() {
                    @Override
                    public <T> Flux<T> apply(OperationInfo op, Flux<T> source) {
                        return source.doOnSubscribe(s -> seen.add(op.tenant() + ":" + op.kind() + ":" + op.name()));
                    }

                    @Override
                    public <T> Mono<T> apply(OperationInfo op, Mono<T> source) {
                        return source.doOnSubscribe(s -> seen.add(op.tenant() + ":" + op.kind() + ":" + op.name()));
                    }
                })
                .build();
        List<TenantId> all = List.of(freeTenant, proTenant, premiumTenant);
        try {
            Flux.fromIterable(all).concatMap(db::provision).blockLast(PgIt.WAIT);
            for (TenantId t : all) {
                as(t, db.sql(DatabaseType.POSTGRESQL).execute(io.tenantdb.core.session.Statement.of(
                        "INSERT INTO {schema}.tracks (id, name, plays) VALUES (1, :name, 0)").bind("name", t.value())
                        .named("insert_track")));
            }
            for (TenantId t : all) {
                assertThat(all(t, db.sql(DatabaseType.POSTGRESQL).query("SELECT name FROM {schema}.tracks")
                        .map(r -> r.get(0, String.class)))).containsExactly(t.value());
            }
            assertThat(PgIt.queryLong("SELECT count(*) FROM \"" + schema + "\".tracks")).isEqualTo(1);
            assertThat(PgIt.queryLong("SELECT count(*) FROM pg_namespace WHERE nspname = $1", run + "_spotify_pro")).isEqualTo(1);
            assertThat(PgIt.queryLong("SELECT count(*) FROM pg_database WHERE datname = $1", run + "_spotify_premium"))
                    .isEqualTo(1);
            assertThat(seen).contains("spotify_pro:" + OperationKind.WRITE + ":insert_track",
                    "spotify_premium:" + OperationKind.READ + ":query");
            assertThat(db.sql(DatabaseType.POSTGRESQL).query("SELECT 1").contextWrite(TenantContext.clear())
                    .onErrorResume(e -> Flux.empty()).collectList().block(PgIt.WAIT)).isEmpty();
        } finally {
            Flux.fromIterable(all).concatMap(db::deprovision).blockLast(PgIt.WAIT);
            PgIt.block(db.closeAsync());
            RowLevelSecurityIT.dropShared(schema, role);
        }
        assertThat(PgIt.queryLong("SELECT count(*) FROM pg_database WHERE datname LIKE $1", run + "%")).isZero();
    }
}
