package io.tenantdb.tenancy.directory;

import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConfigLoader;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tenants of the configuration directory ({@code tenants/<id>/}), all active, of the default
 * tier, placed by their own configuration. Read-only: {@link #save} is refused; use the PostgreSQL
 * directory for tenants that come and go at run time.
 */
public final class StaticTenantDirectory implements TenantDirectory {

    private final Map<TenantId, TenantRecord> tenants;

    private StaticTenantDirectory(Map<TenantId, TenantRecord> tenants) {
        this.tenants = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tenants));
    }

    /**
     * @param loader the configuration directory (read now: call at start-up)
     * @return its tenants
     */
    public static StaticTenantDirectory from(ConfigLoader loader) {
        return of(loader.tenants().stream().map(TenantRecord::active).toList());
    }

    /**
     * @param records the tenants
     * @return a directory of exactly those
     */
    public static StaticTenantDirectory of(List<TenantRecord> records) {
        Map<TenantId, TenantRecord> map = new LinkedHashMap<>();
        for (TenantRecord r : records) {
            map.put(r.tenant(), r);
        }
        return new StaticTenantDirectory(map);
    }

    @Override
    public Mono<TenantRecord> find(TenantId tenant) {
        return Mono.justOrEmpty(tenants.get(tenant));
    }

    @Override
    public Flux<TenantRecord> all() {
        return Flux.fromIterable(tenants.values());
    }

    @Override
    public Mono<TenantRecord> save(TenantRecord record) {
        return Mono.error(new UnsupportedOperationException("the static tenant directory is read-only: tenants come from "
                + "the configuration directory; use PostgresTenantDirectory to add or change tenants at run time"));
    }
}
