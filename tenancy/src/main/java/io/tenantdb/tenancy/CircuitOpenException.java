package io.tenantdb.tenancy;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.exception.EngineUnavailableException;

import java.time.Instant;

/**
 * A node's circuit breaker is open: the operation was refused without trying the node. Transient;
 * the message names tenant, engine and node and says when trial calls are let through again.
 * Raised on the hot path, so it carries no stack trace.
 */
public final class CircuitOpenException extends EngineUnavailableException {

    private static final long serialVersionUID = 1L;

    private final transient NodeAddress node;
    private final Instant halfOpenAt;

    /**
     * @param tenant     the tenant
     * @param engine     the engine
     * @param node       the node whose circuit is open
     * @param halfOpenAt when it lets trial calls through
     * @param why        the failure rate that opened it
     */
    public CircuitOpenException(TenantId tenant, DatabaseType engine, NodeAddress node, Instant halfOpenAt, String why) {
        super("the circuit breaker of node " + node.host() + ':' + node.port() + " is open (" + why
                + "): operations on that node are refused until it half-opens at " + halfOpenAt
                + "; check the node, or route the tenant elsewhere", tenant, engine, null);
        this.node = node;
        this.halfOpenAt = halfOpenAt;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        return this;
    }

    /** @return the node whose circuit is open */
    public NodeAddress node() {
        return node;
    }

    /** @return when the circuit lets trial calls through */
    public Instant halfOpenAt() {
        return halfOpenAt;
    }
}
