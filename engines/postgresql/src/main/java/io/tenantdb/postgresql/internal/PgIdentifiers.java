package io.tenantdb.postgresql.internal;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.exception.ConfigException;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/** Identifier rules: names derived from tenant ids are checked injective, and always quoted. */
public final class PgIdentifiers {

    /** PostgreSQL truncates identifiers longer than this many bytes (NAMEDATALEN - 1). */
    public static final int MAX_BYTES = 63;

    private static final Pattern PLAIN = Pattern.compile("^[A-Za-z_][A-Za-z0-9_]*$");

    private PgIdentifiers() {
    }

    /**
     * @param identifier any identifier
     * @return it double-quoted, inner quotes doubled
     */
    public static String quote(String identifier) {
        if (identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("an identifier must not contain NUL");
        }
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    /**
     * Quotes a possibly schema-qualified name ({@code schema.table}); each part must be a plain
     * identifier ({@code [A-Za-z_][A-Za-z0-9_]*}).
     *
     * @param name a table name, optionally {@code schema.table}
     * @return the quoted name
     * @throws IllegalArgumentException when a part is not a plain identifier
     */
    public static String quoteQualified(String name) {
        String[] parts = name.split("\\.", -1);
        if (parts.length > 2) {
            throw new IllegalArgumentException("'" + name + "' is not a table name: use table or schema.table");
        }
        StringBuilder b = new StringBuilder();
        for (String part : parts) {
            if (!PLAIN.matcher(part).matches() || part.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES) {
                throw new IllegalArgumentException("'" + name + "' is not a plain identifier: use letters, digits and '_', "
                        + "at most " + MAX_BYTES + " bytes per part");
            }
            if (b.length() > 0) {
                b.append('.');
            }
            b.append(quote(part));
        }
        return b.toString();
    }

    /**
     * The tenant's own database or schema name, checked to be injective: it fits in 63 bytes
     * (PostgreSQL would silently truncate longer names, so two tenants could share one).
     * {@link IsolationConfig#nameFor} keeps the tenant id whole, so {@code a_} and {@code a} never
     * share a name.
     *
     * @param isolation the isolation section
     * @param tenant    the tenant
     * @param engine    the engine, for messages
     * @return the unquoted name
     * @throws ConfigException when the name is too long for PostgreSQL
     */
    public static String tenantObjectName(IsolationConfig isolation, TenantId tenant, DatabaseType engine) {
        String name = isolation.nameFor(tenant);
        String prefix = isolation.prefixFor(tenant);
        String template = isolation.prefix();
        int at = template.indexOf(IsolationConfig.PLACEHOLDER);
        String tail = template.substring(at + IsolationConfig.PLACEHOLDER.length());
        String head = template.substring(0, at);
        if (!prefix.startsWith(head) || name.isEmpty()) {
            throw new ConfigException("tenant_isolation.prefix '" + template + "' renders an empty name", engine, null);
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes > MAX_BYTES) {
            throw new ConfigException("the schema/database name for tenant " + tenant + " would be " + bytes
                    + " bytes ('" + name + "'); PostgreSQL keeps only " + MAX_BYTES
                    + ", so two tenants could share one: shorten tenant_isolation.prefix or the tenant id", engine, null);
        }
        return name;
    }
}
