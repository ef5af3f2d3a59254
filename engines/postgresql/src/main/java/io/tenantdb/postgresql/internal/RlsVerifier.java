package io.tenantdb.postgresql.internal;

import io.r2dbc.spi.Connection;
import io.tenantdb.core.exception.IsolationViolationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Refuses row-level-security mode, on first use of each RLS pool, when it would not isolate:
 * the connecting role is a superuser, has BYPASSRLS, or owns (is a member of the owner of) a
 * tenant table; or a tenant table (a table of the RLS schema with a {@code tenant_id} column)
 * lacks ENABLE / FORCE ROW LEVEL SECURITY or a policy. A successful check is remembered; a failed
 * one is repeated on the next operation (so a fixed set-up is picked up without a restart).
 */
final class RlsVerifier {

    private static final Logger LOG = LoggerFactory.getLogger(RlsVerifier.class);

    static final String ROLE_SQL = "SELECT current_user::text, r.rolsuper, r.rolbypassrls FROM pg_roles r "
            + "WHERE r.rolname = current_user";

    static final String TABLES_SQL = "SELECT c.relname::text, c.relrowsecurity, c.relforcerowsecurity, "
            + "pg_has_role(current_user, c.relowner, 'MEMBER') AS owns, "
            + "EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = c.oid) AS has_policy "
            + "FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            + "WHERE n.nspname = $1 AND c.relkind IN ('r', 'p') "
            + "AND EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' "
            + "AND a.attnum > 0 AND NOT a.attisdropped) ORDER BY 1";

    private final PostgresEngine engine;
    private final Set<String> verified = ConcurrentHashMap.newKeySet();

    RlsVerifier(PostgresEngine engine) {
        this.engine = engine;
    }

    /** @param route an RLS route @return whether its check already succeeded */
    boolean verified(Route route) {
        return verified.contains(route.verifyKey());
    }

    Mono<Void> verify(Route route) {
        String key = route.verifyKey();
        if (verified.contains(key)) {
            return Mono.empty();
        }
        return Flux.usingWhen(engine.pools().acquire(route.spec()),
                        lease -> check(lease.connection, route),
                        PoolRegistry.Lease::release, (l, e) -> l.release(), PoolRegistry.Lease::release)
                .then()
                .doOnSuccess(v -> verified.add(key));
    }

    /** Forgets successful checks, e.g. after tables were added. */
    void reset() {
        verified.clear();
    }

    private Mono<Void> check(Connection c, Route route) {
        String schema = route.where();
        Mono<Void> role = Flux.from(c.createStatement(ROLE_SQL).execute())
                .concatMap(r -> r.map((row, md) -> {
                    String user = row.get(0, String.class);
                    if (Boolean.TRUE.equals(row.get(1, Boolean.class))) {
                        return "role '" + user + "' is a superuser, and superusers bypass row-level security: "
                                + "connect row_level_security tenants as a non-superuser role (set "
                                + engine.type().id() + ".rls_role; PostgresRls.createAppRole creates one)";
                    }
                    if (Boolean.TRUE.equals(row.get(2, Boolean.class))) {
                        return "role '" + user + "' has BYPASSRLS: run ALTER ROLE " + PgIdentifiers.quote(user)
                                + " NOBYPASSRLS, or connect as another role (" + engine.type().id() + ".rls_role)";
                    }
                    return "";
                }))
                .filter(text -> !text.isEmpty())
                .next()
                .flatMap(msg -> Mono.error(new IsolationViolationException(msg, route.target().tenant(), engine.type(), null)));
        Mono<Void> tables = Flux.from(c.createStatement(TABLES_SQL).bind(0, schema).execute())
                .concatMap(r -> r.map((row, md) -> {
                    String table = schema + "." + row.get(0, String.class);
                    List<String> found = new ArrayList<>();
                    if (Boolean.TRUE.equals(row.get(3, Boolean.class))) {
                        found.add("the connecting role owns (or is a member of the owner of) tenant table " + table
                                + ", and an owner can switch row-level security off: connect as a role that does not "
                                + "own the tenant tables (" + engine.type().id() + ".rls_role) and GRANT it SELECT, INSERT, "
                                + "UPDATE, DELETE");
                    }
                    if (!Boolean.TRUE.equals(row.get(1, Boolean.class)) || !Boolean.TRUE.equals(row.get(2, Boolean.class))) {
                        found.add("tenant table " + table + " does not have ENABLE and FORCE ROW LEVEL SECURITY: run "
                                + "PostgresRls.enableFor(connection, \"" + table + "\", appRole) or ALTER TABLE " + table
                                + " ENABLE ROW LEVEL SECURITY, FORCE ROW LEVEL SECURITY and create its tenant policy");
                    } else if (!Boolean.TRUE.equals(row.get(4, Boolean.class))) {
                        found.add("tenant table " + table + " has row-level security but no policy: create one with "
                                + "PostgresRls.enableFor(connection, \"" + table + "\", appRole)");
                    }
                    return String.join("; ", found);
                }))
                .collectList()
                .flatMap(results -> {
                    List<String> problems = new ArrayList<>();
                    for (String s : results) {
                        if (!s.isEmpty()) {
                            problems.add(s);
                        }
                    }
                    if (results.isEmpty()) {
                        LOG.warn("row_level_security on {}: schema {} has no table with a tenant_id column yet",
                                engine.type().id(), schema);
                    }
                    return problems.isEmpty() ? Mono.<Void>empty() : Mono.error(new IsolationViolationException(
                            "row_level_security refused: " + String.join("; ", problems), route.target().tenant(),
                            engine.type(), null));
                });
        return role.then(tables);
    }
}
