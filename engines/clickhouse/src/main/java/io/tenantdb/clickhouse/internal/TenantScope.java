package io.tenantdb.clickhouse.internal;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.exception.IsolationViolationException;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Where one tenant's tables live on ClickHouse under its isolation strategy, and which names its
 * SQL may therefore not mention.
 *
 * <ul>
 *   <li>{@code DATABASE_PER_TENANT}: database {@link #tenantDatabase()} (e.g. {@code tenant_acme}); logical table
 *       {@code t} is {@code `tenant_db`.`t`}; statements run with that database as default.</li>
 *   <li>{@code SCHEMA_PER_TENANT}: one shared database ({@code connection.database}); logical table
 *       {@code t} is {@code `base`.`<prefixFor(tenant)>$t`}. The {@code $} cannot occur in a tenant
 *       id, so no two (tenant, table) pairs share a physical name (with a plain {@code _} tenant
 *       {@code acme}'s {@code x_tracks} and tenant {@code acme_x}'s {@code tracks} would).</li>
 *   <li>{@code ROW_LEVEL_SECURITY}: shared table {@code `base`.`t`} with a {@code tenant_id String}
 *       column; reads of {@code {table:t}} become a subquery filtered on the tenant.</li>
 * </ul>
 * Under the last two, unqualified names resolve in an always-empty sandbox database, so only
 * {@code {table:name}} reaches data.
 *
 * @param tenant    the tenant
 * @param strategy  its strategy
 * @param isolation its isolation settings (name template)
 * @param base      the shared database ({@code connection.database}, default {@code default})
 * @param sandbox   the empty database unqualified names resolve in under shared strategies
 */
record TenantScope(TenantId tenant, IsolationStrategy strategy, IsolationConfig isolation, String base, String sandbox) {

    /** The column that carries the tenant under {@code ROW_LEVEL_SECURITY}. */
    static final String TENANT_COLUMN = "tenant_id";

    private static final Pattern LOGICAL = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    private static final Set<String> RESERVED = Set.of("system", "default", "information_schema");

    /**
     * Checks that a database-per-tenant tenant's database is none of the server's or tenantdb's own.
     *
     * @throws IsolationViolationException when it is
     */
    TenantScope {
        if (strategy == IsolationStrategy.DATABASE_PER_TENANT) {
            String db = databaseName(isolation, tenant).toLowerCase(Locale.ROOT);
            if (RESERVED.contains(db) || db.equalsIgnoreCase(base) || db.equalsIgnoreCase(sandbox)) {
                throw new IsolationViolationException("the tenant's database would be '" + db + "', which is shared: "
                        + "give tenant_isolation.prefix a fixed part, e.g. tenant_{{tenant_id}}_", tenant,
                        DatabaseType.CLICKHOUSE, null);
            }
        }
    }

    /**
     * @return the tenant's own database (database per tenant only): {@code isolation.nameFor(tenant)},
     *     which keeps the tenant id whole, so tenants {@code acme} and {@code acme_} never share a database
     */
    String tenantDatabase() {
        return databaseName(isolation, tenant);
    }

    private static String databaseName(IsolationConfig isolation, TenantId tenant) {
        return isolation.nameFor(tenant);
    }

    /** The template's text after the placeholder, without its trailing underscores (as nameFor drops them). */
    private static String trimmedTail(String template, int at) {
        String tail = template.substring(at + IsolationConfig.PLACEHOLDER.length());
        int end = tail.length();
        while (end > 0 && tail.charAt(end - 1) == '_') {
            end--;
        }
        return tail.substring(0, end);
    }

    /** @return the database a statement runs in by default */
    String sessionDatabase() {
        return strategy == IsolationStrategy.DATABASE_PER_TENANT ? tenantDatabase() : sandbox;
    }

    /** @return the database holding the tenant's (or the shared) tables */
    String tableDatabase() {
        return strategy == IsolationStrategy.DATABASE_PER_TENANT ? tenantDatabase() : base;
    }

    /**
     * @param logical a logical table name
     * @return its physical name in {@link #tableDatabase()}
     * @throws IllegalArgumentException when the logical name is not {@code [A-Za-z_][A-Za-z0-9_]*}
     */
    String physicalTable(String logical) {
        checkLogical(logical);
        return strategy == IsolationStrategy.SCHEMA_PER_TENANT ? schemaPrefix() + logical : logical;
    }

    /** @return the name prefix of the tenant's tables under {@code SCHEMA_PER_TENANT} */
    String schemaPrefix() {
        return isolation.prefixFor(tenant) + "$";
    }

    /** @return {@code `db`.`table`} for a logical table */
    String qualified(String logical) {
        return ClickHouseLiterals.qualified(tableDatabase(), physicalTable(logical));
    }

    /** @return the tenant as a SQL string literal */
    String tenantLiteral() {
        return ClickHouseLiterals.quote(tenant.value());
    }

    /** @return the row filter of shared tables */
    String rowFilter() {
        return ClickHouseLiterals.identifier(TENANT_COLUMN) + " = " + tenantLiteral();
    }

    /**
     * @param name an identifier used as a database qualifier ({@code name.something})
     * @return whether tenant SQL must not name it: {@code system}, the shared and sandbox databases,
     *     and any database the name template could give another tenant
     */
    boolean deniedDatabase(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        if (lower.equals("system") || lower.equals(base.toLowerCase(Locale.ROOT))
                || lower.equals(sandbox.toLowerCase(Locale.ROOT))) {
            return true;
        }
        if (strategy == IsolationStrategy.DATABASE_PER_TENANT && name.equals(tenantDatabase())) {
            return false;
        }
        String template = isolation.prefix();
        int at = template.indexOf(IsolationConfig.PLACEHOLDER);
        String head = template.substring(0, at).toLowerCase(Locale.ROOT);
        String tail = trimmedTail(template, at).toLowerCase(Locale.ROOT);
        return lower.length() > head.length() + tail.length() && lower.startsWith(head) && lower.endsWith(tail);
    }

    static void checkLogical(String logical) {
        if (logical == null || !LOGICAL.matcher(logical).matches()) {
            throw new IllegalArgumentException("table name '" + (logical == null ? "null" : logical)
                    + "' is not a plain name: use letters, digits and '_' (first a letter or '_'), at most 128 characters");
        }
    }
}
