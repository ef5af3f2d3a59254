package io.tenantdb.core.spi;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.session.Session;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.Set;

/**
 * One engine, running: opens connections to {@link Target}s, hands out sessions, provisions and
 * removes tenants, reports health, and closes without blocking.
 */
public interface Engine {

    /** @return the engine type */
    DatabaseType type();

    /** @return the isolation strategies this engine can apply */
    Set<IsolationStrategy> supportedStrategies();

    /**
     * @param family the session interface, e.g. {@code SqlSession.class}
     * @param <S>    the session type
     * @return a session (stateless, tenant resolved per subscription)
     * @throws io.tenantdb.core.exception.UnsupportedFeatureException when the engine does not offer
     *     that family
     */
    <S extends Session> S session(Class<S> family);

    /**
     * Creates what the tenant needs under its isolation strategy (database, schema, policies, user,
     * index...). Idempotent, and safe to run again after a crash halfway.
     *
     * @param tenant the tenant
     * @return completes when done
     */
    Mono<Void> provision(TenantId tenant);

    /**
     * Removes everything {@link #provision(TenantId)} created and the tenant's data. Idempotent.
     *
     * @param tenant the tenant
     * @return completes when done
     */
    Mono<Void> deprovision(TenantId tenant);

    /** @return one health entry per node */
    Flux<Health> health();

    /** @return completes when every connection and pool is closed */
    Mono<Void> closeAsync();
}
