package io.tenantdb.postgresql.internal;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.R2dbcException;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.session.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Creates and removes what a tenant needs, idempotently, for each strategy:
 * <ul>
 *   <li>database_per_tenant: {@code CREATE DATABASE} (outside a transaction, on the configured
 *       database) / {@code DROP DATABASE IF EXISTS ... WITH (FORCE)} (PostgreSQL 13+);</li>
 *   <li>schema_per_tenant: {@code CREATE SCHEMA IF NOT EXISTS} / {@code DROP SCHEMA IF EXISTS ...
 *       CASCADE};</li>
 *   <li>row_level_security: checks the set-up / deletes the tenant's rows from every tenant table.</li>
 * </ul>
 * Schema and database tenants then get the configured {@code tenant_ddl}.
 */
final class Provisioner {

    private static final Logger LOG = LoggerFactory.getLogger(Provisioner.class);

    /** duplicate_database, duplicate_schema, unique_violation (concurrent CREATE ... IF NOT EXISTS). */
    private static final Set<String> ALREADY_THERE = Set.of("42P04", "42P06", "23505");

    private final PostgresEngine engine;

    Provisioner(PostgresEngine engine) {
        this.engine = engine;
    }

    Mono<Void> provision(Route route) {
        DatabaseConfig cfg = route.target().config();
        switch (route.target().strategy()) {
            case DATABASE_PER_TENANT:
                return admin(route, c -> Flux.from(c.createStatement("SELECT 1 FROM pg_database WHERE datname = $1")
                                .bind(0, route.where()).execute())
                        .concatMap(r -> r.map((row, md) -> 1))
                        .hasElements()
                        .flatMap(exists -> exists ? Mono.empty()
                                : run(c, "CREATE DATABASE " + PgIdentifiers.quote(route.where())).then()))
                        .then(ddl(route, cfg));
            case SCHEMA_PER_TENANT:
                return admin(route, c -> run(c, "CREATE SCHEMA IF NOT EXISTS " + PgIdentifiers.quote(route.where())).then())
                        .then(ddl(route, cfg));
            default:
                return engine.rls().verify(route);
        }
    }

    Mono<Void> deprovision(Route route) {
        switch (route.target().strategy()) {
            case DATABASE_PER_TENANT:
                return engine.pools().close(route.spec().key())
                        .then(admin(route, c -> Flux.from(c.createStatement(
                                        "SELECT current_setting('server_version_num')::int").execute())
                                .concatMap(r -> r.map((row, md) -> row.get(0, Integer.class)))
                                .next()
                                .flatMap(version -> run(c, "DROP DATABASE IF EXISTS " + PgIdentifiers.quote(route.where())
                                        + (version >= 130000 ? " WITH (FORCE)" : "")))
                                .then()));
            case SCHEMA_PER_TENANT:
                return admin(route, c -> run(c, "DROP SCHEMA IF EXISTS " + PgIdentifiers.quote(route.where()) + " CASCADE")
                        .then()).then(closeDedicated(route));
            default:
                return deleteRows(route).then(closeDedicated(route));
        }
    }

    /** A tenant's own pool ({@code dedicated_pool}) is closed with the tenant; the shared pool stays. */
    private Mono<Void> closeDedicated(Route route) {
        return route.spec().key().dedicatedTo() == null ? Mono.empty() : engine.pools().close(route.spec().key());
    }

    /** Deletes the tenant's rows from every tenant table, as the administrator, with the tenant bound. */
    private Mono<Void> deleteRows(Route route) {
        TenantId tenant = route.target().tenant();
        String schema = route.where();
        return admin(route, c -> Mono.from(c.beginTransaction())
                .then(engine.bind(route, c, false))
                .thenMany(Flux.from(c.createStatement(RlsVerifier.TABLES_SQL).bind(0, schema).execute())
                        .concatMap(r -> r.map((row, md) -> row.get(0, String.class)))
                        .collectList()
                        .flatMapMany(Flux::fromIterable))
                .concatMap(table -> Flux.from(c.createStatement("DELETE FROM " + PgIdentifiers.quote(schema) + "."
                                + PgIdentifiers.quote(table) + " WHERE tenant_id = $1").bind(0, tenant.value()).execute())
                        .concatMap(r -> r.getRowsUpdated()))
                .reduce(0L, Long::sum)
                .flatMap(n -> {
                    LOG.info("deprovisioned tenant {} on {}: deleted {} rows from the shared tables of schema {}",
                            tenant, engine.type().id(), n, schema);
                    return Mono.from(c.commitTransaction());
                })
                .onErrorResume(e -> Mono.from(c.rollbackTransaction()).onErrorResume(x -> Mono.empty()).then(Mono.error(e))));
    }

    private Mono<Void> ddl(Route route, DatabaseConfig cfg) {
        List<String> statements = engine.tenantDdl(cfg);
        if (statements.isEmpty()) {
            return Mono.empty();
        }
        // runs on the tenant's own pool and schema rendering, like any tenant statement
        PostgresEngine.Plan<Long> plan = PostgresEngine.Plan.explicit(io.tenantdb.core.session.TransactionOptions.DEFAULT,
                c -> Flux.fromIterable(statements).concatMap(sql -> DefaultPostgresSession.count(c,
                        SqlTemplate.render(Statement.of(sql), route.quotedSchema()))));
        return engine.onRoute(route, plan).then();
    }

    private Mono<Void> admin(Route route, Function<Connection, Mono<Void>> work) {
        PoolRegistry.PoolSpec spec = engine.adminSpec(route.target().config(), route.target().node());
        return Flux.usingWhen(engine.pools().acquire(spec), lease -> work.apply(lease.connection),
                PoolRegistry.Lease::release, (l, e) -> l.invalidate(), PoolRegistry.Lease::invalidate).then();
    }

    private static Mono<Long> run(Connection c, String sql) {
        return Flux.from(c.createStatement(sql).execute())
                .concatMap(r -> r.getRowsUpdated())
                .reduce(0L, Long::sum)
                .onErrorResume(e -> e instanceof R2dbcException && ALREADY_THERE.contains(
                        PgExceptionFactory.sqlState((R2dbcException) e)), e -> Mono.just(0L));
    }
}
