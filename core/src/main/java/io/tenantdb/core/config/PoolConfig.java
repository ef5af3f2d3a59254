package io.tenantdb.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Connection pool settings: the YAML {@code pool} section.
 *
 * @param initialSize     connections opened by warm-up, 0..maxSize
 * @param maxSize         most connections at once, &gt;= 1
 * @param maxIdleTime     an idle connection is closed after this
 * @param acquireTimeout  longest wait for a connection before a timeout error
 * @param validationQuery a query to validate connections, or {@code null} for the driver's check
 */
public record PoolConfig(int initialSize, int maxSize, Duration maxIdleTime, Duration acquireTimeout,
                         String validationQuery) {

    /** Default maximum size: 10. */
    public static final int DEFAULT_MAX_SIZE = 10;
    /** Default idle time: 30 minutes. */
    public static final Duration DEFAULT_MAX_IDLE_TIME = Duration.ofMinutes(30);
    /** Default acquire timeout: 10 seconds. */
    public static final Duration DEFAULT_ACQUIRE_TIMEOUT = Duration.ofSeconds(10);
    /** The defaults. */
    public static final PoolConfig DEFAULT = new PoolConfig(0, DEFAULT_MAX_SIZE, DEFAULT_MAX_IDLE_TIME,
            DEFAULT_ACQUIRE_TIMEOUT, null);

    /** Checks the values. */
    public PoolConfig {
        if (maxSize < 1) {
            throw new IllegalArgumentException("pool.max_size must be >= 1, was " + maxSize);
        }
        if (initialSize < 0 || initialSize > maxSize) {
            throw new IllegalArgumentException("pool.initial_size must be 0..max_size (" + maxSize + "), was " + initialSize);
        }
        Objects.requireNonNull(maxIdleTime, "maxIdleTime");
        Objects.requireNonNull(acquireTimeout, "acquireTimeout");
    }
}
