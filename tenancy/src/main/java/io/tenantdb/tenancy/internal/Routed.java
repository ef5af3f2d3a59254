package io.tenantdb.tenancy.internal;

/**
 * Carried in the Reactor context of one operation from the router's operator to its resolver: the
 * node the operation was routed to, so its in-flight count is given back at the end and a failure
 * can be blamed on it. A retried operation re-resolves: the latest node is kept.
 */
public final class Routed {

    private NodeState node;

    /**
     * @param state the node chosen
     * @return whether the caller must count the operation in flight on it
     */
    public synchronized boolean hold(NodeState state) {
        if (node == state) {
            return false;
        }
        if (node != null) {
            node.inFlight.decrementAndGet();
        }
        node = state;
        return true;
    }

    /** @return the node routed to, or null */
    public synchronized NodeState node() {
        return node;
    }

    /** The operation ended: its in-flight count is given back. */
    public synchronized void release() {
        if (node != null) {
            node.inFlight.decrementAndGet();
            node = null;
        }
    }
}
