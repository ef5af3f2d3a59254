package io.tenantdb.core.spi;

import io.tenantdb.core.DatabaseType;

import java.time.Duration;
import java.util.Objects;

/**
 * The health of one engine node, as one check saw it.
 *
 * @param engine  the engine
 * @param node    the node checked, e.g. {@code 127.0.0.1:5432}
 * @param status  up, degraded or down
 * @param latency how long the check took
 * @param detail  why, in words (never a secret)
 */
public record Health(DatabaseType engine, String node, Status status, Duration latency, String detail) {

    /** Checks the values. */
    public Health {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(latency, "latency");
        Objects.requireNonNull(detail, "detail");
    }

    /** Health states, from best to worst. */
    public enum Status {
        /** Serving normally. */
        UP,
        /** Serving, but slow, lagging or partly unavailable. */
        DEGRADED,
        /** Not serving. */
        DOWN
    }
}
