package io.tenantdb.tenancy;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.NodeAddress;
import reactor.core.publisher.Mono;

/**
 * Active health check of one node, run by the {@link Router} every
 * {@code load_balancing.health_check_interval}.
 */
@FunctionalInterface
public interface NodeProbe {

    /** What a probe found. */
    enum Status {
        /** Answers and accepts writes (for PostgreSQL: {@code pg_is_in_recovery()} is false). */
        PRIMARY,
        /** Answers, read-only (a standby). */
        REPLICA,
        /** Answers; its role is not known (the configuration decides: hosts write, replicas read). */
        UP,
        /** Does not answer. */
        DOWN
    }

    /**
     * @param engine the engine
     * @param node   the node
     * @param config the engine's configuration (credentials, timeouts)
     * @return its status; must not block, should not error (errors count as {@link Status#DOWN})
     */
    Mono<Status> probe(DatabaseType engine, NodeAddress node, DatabaseConfig config);
}
