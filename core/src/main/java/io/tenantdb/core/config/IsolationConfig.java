package io.tenantdb.core.config;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;

import java.util.Objects;

/**
 * How a tenant is isolated on an engine: the YAML {@code tenant_isolation} section.
 *
 * @param strategy   the strategy
 * @param prefix     the name template, containing {@code {{tenant_id}}}, e.g. {@code tenant_{{tenant_id}}_}
 * @param encryption {@code none} or {@code per_tenant_keys}
 */
public record IsolationConfig(IsolationStrategy strategy, String prefix, String encryption) {

    /** The placeholder in {@link #prefix()}. */
    public static final String PLACEHOLDER = "{{tenant_id}}";
    /** Default prefix template. */
    public static final String DEFAULT_PREFIX = "tenant_" + PLACEHOLDER + "_";
    /** Schema per tenant, default prefix, no encryption. */
    public static final IsolationConfig DEFAULT = new IsolationConfig(IsolationStrategy.SCHEMA_PER_TENANT,
            DEFAULT_PREFIX, "none");

    /** Checks the values. */
    public IsolationConfig {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(prefix, "prefix");
        if (!prefix.contains(PLACEHOLDER)) {
            throw new IllegalArgumentException("tenant_isolation.prefix must contain " + PLACEHOLDER + ", was '" + prefix + "'");
        }
        Objects.requireNonNull(encryption, "encryption");
    }

    /**
     * Renders the tenant's name from the template. A template ending in {@code _} after the
     * placeholder (e.g. {@code tenant_{{tenant_id}}_}) is a prefix: the trailing {@code _} is kept for
     * prefixed names and dropped by {@link #nameFor(TenantId)}.
     *
     * @param tenant the tenant
     * @return the rendered prefix, e.g. {@code tenant_spotify_free_}
     */
    public String prefixFor(TenantId tenant) {
        return prefix.replace(PLACEHOLDER, tenant.value());
    }

    /**
     * The name of the tenant's own database or schema: the template with the underscores that end
     * the template itself dropped, the tenant id kept whole. Injective: tenants {@code acme} and
     * {@code acme_} get {@code tenant_acme} and {@code tenant_acme_}, never the same name.
     *
     * @param tenant the tenant
     * @return e.g. {@code tenant_spotify_free} for the template {@code tenant_{{tenant_id}}_}
     */
    public String nameFor(TenantId tenant) {
        int at = prefix.indexOf(PLACEHOLDER);
        String tail = prefix.substring(at + PLACEHOLDER.length());
        int end = tail.length();
        while (end > 0 && tail.charAt(end - 1) == '_') {
            end--;
        }
        return prefix.substring(0, at) + tenant.value() + tail.substring(0, end).replace(PLACEHOLDER, tenant.value());
    }
}
