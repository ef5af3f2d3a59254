package io.tenantdb.tenancy.directory;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import reactor.core.publisher.Mono;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Onboarding and offboarding: places a new tenant (rendezvous hashing over each engine's shards,
 * unless the record already names a shard), records it in the directory and provisions it on every
 * configured engine; offboarding removes everything on every engine and marks it erased.
 */
public final class TenantOnboarding {

    private final TenantDb db;
    private final TenantDirectory directory;
    private final Map<DatabaseType, List<String>> shards;

    /**
     * @param db        the façade (its engines are provisioned)
     * @param directory where tenants are recorded
     * @param shards    shard names per engine (engines absent or with no shard are not placed)
     */
    public TenantOnboarding(TenantDb db, TenantDirectory directory, Map<DatabaseType, List<String>> shards) {
        this.db = db;
        this.directory = directory;
        Map<DatabaseType, List<String>> copy = new EnumMap<>(DatabaseType.class);
        shards.forEach((k, v) -> copy.put(k, List.copyOf(v)));
        this.shards = copy;
    }

    /**
     * @param requested the tenant, its tier and any placement overrides
     * @return the stored record, once provisioned on every engine
     * @apiNote nothing happens until subscription
     */
    public Mono<TenantRecord> onboard(TenantRecord requested) {
        return Mono.defer(() -> {
            TenantRecord placed = requested;
            for (Map.Entry<DatabaseType, List<String>> e : shards.entrySet()) {
                if (placed.shard(e.getKey()).isEmpty() && !e.getValue().isEmpty()) {
                    placed = placed.withShard(e.getKey(), Rendezvous.place(requested.tenant(), e.getValue()));
                }
            }
            TenantRecord record = placed.withStatus(TenantStatus.ACTIVE);
            // recorded first (so routing knows the placement), provisioned next; provisioning is idempotent
            return directory.save(record).flatMap(saved -> db.provision(saved.tenant()).thenReturn(saved));
        });
    }

    /**
     * @param tenant the tenant
     * @return completes when its data is removed from every engine and it is marked erased
     */
    public Mono<Void> offboard(TenantId tenant) {
        return directory.find(tenant).defaultIfEmpty(TenantRecord.active(tenant))
                .flatMap(r -> db.deprovision(tenant).then(directory.save(r.withStatus(TenantStatus.ERASED))))
                .then();
    }

    /**
     * @param tenant the tenant
     * @param status ACTIVE or SUSPENDED
     * @return the stored record
     */
    public Mono<TenantRecord> setStatus(TenantId tenant, TenantStatus status) {
        return directory.find(tenant)
                .switchIfEmpty(Mono.error(() -> new IllegalArgumentException("tenant " + tenant.value()
                        + " is not in the directory: onboard it first")))
                .flatMap(r -> directory.save(r.withStatus(status)));
    }
}
