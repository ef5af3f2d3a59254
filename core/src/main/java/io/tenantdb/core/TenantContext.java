package io.tenantdb.core;

import io.tenantdb.core.exception.MissingTenantException;
import reactor.core.publisher.Mono;
import reactor.util.context.Context;
import reactor.util.context.ContextView;

import java.util.Optional;
import java.util.function.Function;

/**
 * Carries the current tenant in the Reactor {@link Context}.
 *
 * <pre>{@code
 * db.sql(DatabaseType.POSTGRESQL).query("SELECT title FROM tracks")
 *   .contextWrite(TenantContext.of("spotify_premium"))
 * }</pre>
 *
 * <p>The context is the only source of truth: there is no {@code ThreadLocal} and no default tenant.
 * An operation subscribed without a tenant fails with {@link MissingTenantException}.
 */
public final class TenantContext {

    /** The context key: the tenant id type itself, so no string key can collide with it. */
    public static final Class<TenantId> KEY = TenantId.class;

    private TenantContext() {
    }

    /**
     * A context modifier that sets the tenant, for {@code contextWrite}. Whatever else the context
     * holds is kept.
     *
     * @param tenantId the tenant id, validated here
     * @return a function for {@code Flux.contextWrite} / {@code Mono.contextWrite}
     * @throws io.tenantdb.core.exception.InvalidTenantException when the id is not valid
     */
    public static Function<Context, Context> of(String tenantId) {
        return of(TenantId.of(tenantId));
    }

    /**
     * A context modifier that sets the tenant, for {@code contextWrite}.
     *
     * @param tenant the tenant
     * @return a function for {@code contextWrite}
     */
    public static Function<Context, Context> of(TenantId tenant) {
        if (tenant == null) {
            throw new IllegalArgumentException("tenant must not be null");
        }
        return context -> context.put(KEY, tenant);
    }

    /**
     * A context modifier that removes the tenant, for code that must run as no tenant.
     *
     * @return a function for {@code contextWrite}
     */
    public static Function<Context, Context> clear() {
        return context -> context.delete(KEY);
    }

    /**
     * The tenant of the subscribing pipeline.
     *
     * @return a {@code Mono} of the tenant, or an error {@link MissingTenantException} when the
     *     context holds none
     * @apiNote nothing is read until subscription.
     */
    public static Mono<TenantId> current() {
        return Mono.deferContextual(context -> {
            Optional<TenantId> tenant = find(context);
            return tenant.isPresent() ? Mono.just(tenant.get()) : Mono.error(new MissingTenantException(null));
        });
    }

    /**
     * Reads the tenant from a context view.
     *
     * @param context the context
     * @return the tenant, or empty when the context holds none
     */
    public static Optional<TenantId> find(ContextView context) {
        return context.getOrEmpty(KEY);
    }
}
