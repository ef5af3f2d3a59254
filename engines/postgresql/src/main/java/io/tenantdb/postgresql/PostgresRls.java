package io.tenantdb.postgresql;

import io.r2dbc.spi.Connection;
import io.tenantdb.core.config.Secret;
import io.tenantdb.postgresql.internal.PgIdentifiers;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.ArrayList;
import java.util.List;

/**
 * Sets up shared tables for {@code row_level_security} tenants. Run these as the tables' owner
 * (or an administrator), once, e.g. in a migration:
 *
 * <pre>{@code
 * Flux.usingWhen(adminConnectionFactory.create(), c ->
 *         PostgresRls.createAppRole(c, "app_rls", Secret.env("APP_RLS_PASSWORD"), "public")
 *             .then(PostgresRls.enableFor(c, "public.tracks", "app_rls")),
 *     Connection::close)
 * }</pre>
 *
 * <p>A tenant table has a {@code tenant_id text NOT NULL} column. {@link #enableFor} gives it
 * {@code ENABLE} and {@code FORCE ROW LEVEL SECURITY} and the policy
 * {@code USING (tenant_id = current_setting('app.tenant_id', true)) WITH CHECK (same)}: a
 * connection sees and writes only the rows of the tenant the engine bound, and an unbound
 * connection sees zero rows. The application then connects as the role named in
 * {@code postgresql.rls_role}: not a superuser, without BYPASSRLS, not the tables' owner — the
 * engine checks all of this on first use and refuses otherwise.
 */
public final class PostgresRls {

    /** The name of the policy created on each table. */
    public static final String POLICY = "tenantdb_tenant_isolation";

    private PostgresRls() {
    }

    /**
     * The statements {@link #enableFor(Connection, String, String)} runs.
     *
     * @param table   {@code table} or {@code schema.table} (plain identifiers)
     * @param appRole the application role to grant row access to, or {@code null}
     * @return the statements, in order
     */
    public static List<String> statementsFor(String table, String appRole) {
        String t = PgIdentifiers.quoteQualified(table);
        String policy = PgIdentifiers.quote(POLICY);
        List<String> sql = new ArrayList<>();
        sql.add("ALTER TABLE " + t + " ENABLE ROW LEVEL SECURITY");
        sql.add("ALTER TABLE " + t + " FORCE ROW LEVEL SECURITY");
        sql.add("DROP POLICY IF EXISTS " + policy + " ON " + t);
        sql.add("CREATE POLICY " + policy + " ON " + t
                + " USING (tenant_id = current_setting('app.tenant_id', true))"
                + " WITH CHECK (tenant_id = current_setting('app.tenant_id', true))");
        if (appRole != null) {
            sql.add("GRANT SELECT, INSERT, UPDATE, DELETE ON " + t + " TO " + PgIdentifiers.quote(appRole));
        }
        return sql;
    }

    /**
     * Makes a shared table a tenant table (idempotent).
     *
     * @param admin   a connection of the table's owner or an administrator
     * @param table   {@code table} or {@code schema.table}
     * @param appRole the application role to grant row access to, or {@code null}
     * @return completes when done
     */
    public static Mono<Void> enableFor(Connection admin, String table, String appRole) {
        return Flux.defer(() -> Flux.fromIterable(statementsFor(table, appRole)))
                .concatMap(sql -> Flux.from(admin.createStatement(sql).execute()).concatMap(r -> r.getRowsUpdated()))
                .then();
    }

    /**
     * Creates (or fixes) the application role for row-level-security tenants: LOGIN, NOSUPERUSER,
     * NOBYPASSRLS, with USAGE on the schema. Idempotent. The password is sent as a literal in
     * {@code CREATE/ALTER ROLE} (PostgreSQL takes no parameters there), quoted, never logged.
     *
     * @param admin    an administrator connection
     * @param role     the role name
     * @param password its password, or {@link Secret#NONE}
     * @param schema   the schema of the tenant tables
     * @return completes when done
     */
    public static Mono<Void> createAppRole(Connection admin, String role, Secret password, String schema) {
        String r = PgIdentifiers.quote(role);
        return Mono.fromCallable(password::reveal).subscribeOn(Schedulers.boundedElastic())
                .flatMap(pw -> {
                    String options = " LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE"
                            + (pw.isEmpty() ? "" : " PASSWORD '" + pw.replace("'", "''") + "'");
                    String create = "DO $tenantdb$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = "
                            + "'" + role.replace("'", "''") + "') THEN CREATE ROLE " + r + options + "; END IF; END $tenantdb$";
                    return Flux.just(create, "ALTER ROLE " + r + options,
                                    "GRANT USAGE ON SCHEMA " + PgIdentifiers.quote(schema) + " TO " + r)
                            .concatMap(sql -> Flux.from(admin.createStatement(sql).execute()).concatMap(x -> x.getRowsUpdated()))
                            .then();
                });
    }
}
