package io.tenantdb.tenancy.internal;

import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.tenancy.NodeProbe;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** What the router knows of one node: probed role, passive down mark, in-flight operations. */
public final class NodeState {

    /** The node. */
    public final NodeAddress node;
    /** Operations running on it. */
    public final AtomicLong inFlight = new AtomicLong();
    private volatile NodeProbe.Status role = NodeProbe.Status.UP;
    private volatile boolean markedDown;
    private volatile long downUntilNanos;

    /** @param node the node */
    public NodeState(NodeAddress node) {
        this.node = node;
    }

    /** @return the last probed status ({@code UP} before any probe) */
    public NodeProbe.Status role() {
        return role;
    }

    /** @return whether it may serve: not probed down and not passively marked down */
    public boolean usable() {
        return role != NodeProbe.Status.DOWN && (!markedDown || System.nanoTime() - downUntilNanos >= 0);
    }

    /**
     * A probe answered.
     *
     * @param status what it found
     * @return the status before
     */
    public NodeProbe.Status observe(NodeProbe.Status status) {
        NodeProbe.Status before = role;
        role = status;
        if (status != NodeProbe.Status.DOWN) {
            markedDown = false;
        }
        return before;
    }

    /**
     * An operation failed for want of the node.
     *
     * @param period how long to keep it out, unless a probe finds it up earlier
     * @return whether it was usable until now
     */
    public boolean markDown(Duration period) {
        boolean was = usable();
        downUntilNanos = System.nanoTime() + period.toNanos();
        markedDown = true;
        return was;
    }
}
