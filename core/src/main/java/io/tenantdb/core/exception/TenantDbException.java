package io.tenantdb.core.exception;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;

import java.util.Optional;

/**
 * The root of every error tenantdb raises. Unchecked.
 *
 * <p>Each error says what happened, to which tenant and engine (when known), and what to do. A
 * driver's own exception stays attached as the cause. Retries and circuit breakers decide on
 * {@link #isTransient()}: a transient error may succeed when tried again unchanged.
 */
public abstract class TenantDbException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final transient TenantId tenant;
    private final DatabaseType engine;

    /**
     * @param message what happened and what to do
     * @param tenant  the tenant concerned, or {@code null}
     * @param engine  the engine concerned, or {@code null}
     * @param cause   the underlying error, or {@code null}
     */
    protected TenantDbException(String message, TenantId tenant, DatabaseType engine, Throwable cause) {
        super(decorate(message, tenant, engine), cause);
        this.tenant = tenant;
        this.engine = engine;
    }

    /**
     * For hot-path rejections: no stack trace is filled in.
     *
     * @param message what happened
     * @param tenant  the tenant, or {@code null}
     * @param engine  the engine, or {@code null}
     * @param cause   the cause, or {@code null}
     * @param writableStackTrace whether to fill the stack trace
     */
    protected TenantDbException(String message, TenantId tenant, DatabaseType engine, Throwable cause,
                                boolean writableStackTrace) {
        super(decorate(message, tenant, engine), cause, false, writableStackTrace);
        this.tenant = tenant;
        this.engine = engine;
    }

    private static String decorate(String message, TenantId tenant, DatabaseType engine) {
        if (tenant == null && engine == null) {
            return message;
        }
        StringBuilder b = new StringBuilder(message.length() + 48).append('[');
        if (tenant != null) {
            b.append("tenant=").append(tenant.value());
        }
        if (engine != null) {
            if (tenant != null) {
                b.append(' ');
            }
            b.append("engine=").append(engine.id());
        }
        return b.append("] ").append(message).toString();
    }

    /** @return the tenant concerned, when known */
    public Optional<TenantId> tenant() {
        return Optional.ofNullable(tenant);
    }

    /** @return the engine concerned, when known */
    public Optional<DatabaseType> engine() {
        return Optional.ofNullable(engine);
    }

    /** @return {@code true} when the same operation may succeed if tried again unchanged */
    public abstract boolean isTransient();
}
