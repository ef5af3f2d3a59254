package io.tenantdb.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Where and how to connect: the YAML {@code connection} section.
 *
 * @param hosts          the primary node(s), at least one
 * @param database       the database (PostgreSQL, MongoDB, ClickHouse) or logical db number (Redis), or {@code null}
 * @param user           the user, or {@code null}
 * @param password       the password reference; {@link Secret#NONE} when none
 * @param tls            TLS settings
 * @param connectTimeout time to establish a connection
 * @param options        engine-specific driver options (string values)
 */
public record ConnectionConfig(List<NodeAddress> hosts, String database, String user, Secret password,
                               TlsConfig tls, Duration connectTimeout, Map<String, String> options) {

    /** Default connect timeout: 5 seconds. */
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(5);

    /** Checks and copies the values. */
    public ConnectionConfig {
        hosts = List.copyOf(hosts);
        if (hosts.isEmpty()) {
            throw new IllegalArgumentException("connection.hosts must name at least one host");
        }
        Objects.requireNonNull(password, "password");
        Objects.requireNonNull(tls, "tls");
        Objects.requireNonNull(connectTimeout, "connectTimeout");
        options = Map.copyOf(options);
    }

    /** @return the first host */
    public NodeAddress primary() {
        return hosts.get(0);
    }
}
