package io.tenantdb.elasticsearch;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.TransientDataAccessException;

import java.time.Duration;
import java.util.Optional;

/**
 * The cluster rejected the request because it is overloaded (HTTP 429, e.g. a full write thread pool or a
 * tripped circuit breaker). Transient: try again later, after {@link #retryAfter()} when the server said so.
 */
public class ElasticsearchRejectedException extends TransientDataAccessException {

    private static final long serialVersionUID = 1L;

    private final Duration retryAfter;

    /**
     * @param message    what happened and what to do
     * @param tenant     the tenant, or {@code null}
     * @param retryAfter the server's {@code Retry-After}, or {@code null}
     * @param cause      the underlying error, or {@code null}
     */
    public ElasticsearchRejectedException(String message, TenantId tenant, Duration retryAfter, Throwable cause) {
        super(message, tenant, DatabaseType.ELASTICSEARCH, cause);
        this.retryAfter = retryAfter;
    }

    /** @return how long the server asked to wait before trying again, when it said */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
