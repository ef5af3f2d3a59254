package io.tenantdb.core.config;

import java.util.Objects;

/**
 * One server node.
 *
 * @param host   host name or address
 * @param port   TCP port, 1..65535
 * @param region region label for geo-aware load balancing, or {@code null}
 * @param zone   zone label, or {@code null}
 * @param weight weight for {@code weighted_round_robin}, &gt;= 1
 */
public record NodeAddress(String host, int port, String region, String zone, int weight) {

    /** Checks the values. */
    public NodeAddress {
        Objects.requireNonNull(host, "host");
        if (host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port must be 1..65535, was " + port);
        }
        if (weight < 1) {
            throw new IllegalArgumentException("weight must be >= 1, was " + weight);
        }
    }

    /**
     * @param host host
     * @param port port
     * @return a node with no labels and weight 1
     */
    public static NodeAddress of(String host, int port) {
        return new NodeAddress(host, port, null, null, 1);
    }

    @Override
    public String toString() {
        return host + ":" + port;
    }
}
