package io.tenantdb.elasticsearch.internal;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.exception.ConfigException;
import io.tenantdb.core.exception.IsolationViolationException;

import java.nio.charset.StandardCharsets;
import java.util.regex.Pattern;

/**
 * Maps a tenant's logical index names to physical index and alias names, and validates both.
 *
 * <p>Physical names are built so that no two tenants (and no tenant and a shared index) can ever get the same
 * name, even though tenant ids contain {@code _}:
 * <ul>
 *   <li>per-tenant index, and the tenant's filtered alias under the shared strategy:
 *       {@code prefixFor(tenant) + "-" + logical} (e.g. {@code tenant_acme_-tracks}): the template has no
 *       {@code -}, tenant ids and logical names have none, so the one {@code -} splits the name unambiguously;</li>
 *   <li>shared index: {@code tenantdb-shared-} + logical: two {@code -}, so never a tenant's name.</li>
 * </ul>
 */
final class IndexNames {

    /** Logical index names: lower-case letter first, then letters, digits and {@code _}; at most 100 characters. */
    static final String LOGICAL_RULE = "^[a-z][a-z0-9_]{0,99}$";
    /** The prefix of shared indices (shared strategy). */
    static final String SHARED_PREFIX = "tenantdb-shared-";
    /** The separator between the tenant prefix and the logical name. */
    static final char SEPARATOR = '-';

    private static final Pattern LOGICAL = Pattern.compile(LOGICAL_RULE);
    private static final Pattern TEMPLATE_PART = Pattern.compile("^[a-z0-9_]*$");
    private static final String FORBIDDEN = "\\/*?\"<>| ,#:";
    private static final int MAX_BYTES = 255;

    private IndexNames() {
    }

    /**
     * Checks a prefix template once, when the engine starts.
     *
     * @param isolation the isolation settings
     * @throws ConfigException when the template could produce names of two tenants that collide
     */
    static void checkTemplate(IsolationConfig isolation) {
        String template = isolation.prefix();
        int at = template.indexOf(IsolationConfig.PLACEHOLDER);
        String before = template.substring(0, at);
        String after = template.substring(at + IsolationConfig.PLACEHOLDER.length());
        if (!TEMPLATE_PART.matcher(before).matches() || !TEMPLATE_PART.matcher(after).matches()
                || after.contains(IsolationConfig.PLACEHOLDER) || before.startsWith("_")) {
            throw new ConfigException("tenant_isolation.prefix '" + template + "' is not usable for index names: "
                    + "use lower-case letters, digits and _ around " + IsolationConfig.PLACEHOLDER
                    + ", not starting with _ (e.g. tenant_{{tenant_id}}_)", DatabaseType.ELASTICSEARCH, null);
        }
    }

    /**
     * @param logical a logical index name from a caller
     * @param tenant  the tenant, for the message
     * @return the name, checked
     * @throws IsolationViolationException when it is not a plain logical name (wildcards, commas, other
     *     tenants' or system indices...)
     */
    static String checkLogical(String logical, TenantId tenant) {
        if (logical == null || !LOGICAL.matcher(logical).matches()) {
            throw new IsolationViolationException("index name '" + abbreviate(logical) + "' is not a logical index "
                    + "name (" + LOGICAL_RULE + "): wildcards, commas, '-', '.', upper case and other indices' names "
                    + "are refused; use the plain name, tenantdb adds the tenant's prefix",
                    tenant, DatabaseType.ELASTICSEARCH, null);
        }
        return logical;
    }

    /**
     * @param isolation the tenant's isolation settings
     * @param tenant    the tenant
     * @param logical   the logical name (checked here)
     * @return the tenant's own index (per-tenant strategies) or filtered alias (shared strategy)
     */
    static String tenantName(IsolationConfig isolation, TenantId tenant, String logical) {
        return checkPhysical(isolation.prefixFor(tenant) + SEPARATOR + checkLogical(logical, tenant), tenant);
    }

    /**
     * @param logical the logical name (checked here)
     * @param tenant  the tenant, for messages
     * @return the shared index behind every tenant's alias
     */
    static String sharedName(String logical, TenantId tenant) {
        return checkPhysical(SHARED_PREFIX + checkLogical(logical, tenant), tenant);
    }

    /**
     * Elasticsearch's own rules for index names, checked before any request.
     *
     * @param name   a physical name
     * @param tenant the tenant, for the message
     * @return the name
     */
    static String checkPhysical(String name, TenantId tenant) {
        boolean bad = name.isEmpty() || name.equals(".") || name.equals("..")
                || "-_+".indexOf(name.charAt(0)) >= 0
                || !name.equals(name.toLowerCase(java.util.Locale.ROOT))
                || name.getBytes(StandardCharsets.UTF_8).length > MAX_BYTES;
        for (int i = 0; !bad && i < name.length(); i++) {
            bad = FORBIDDEN.indexOf(name.charAt(i)) >= 0;
        }
        if (bad) {
            throw new IsolationViolationException("index name '" + abbreviate(name) + "' is not a valid index name "
                    + "(lower case, no \\/*?\"<>| ,#:, not starting with -_+, at most 255 bytes): shorten the "
                    + "logical name or the tenant_isolation.prefix", tenant, DatabaseType.ELASTICSEARCH, null);
        }
        return name;
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        return s.length() > 64 ? s.substring(0, 64) + "..." : s;
    }
}
