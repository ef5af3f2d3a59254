package io.tenantdb.core.config;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The immutable, merged configuration of one engine, for one environment and (optionally) one
 * tenant. Produced by {@link ConfigLoader}; built by hand with {@link #builder(DatabaseType)} in
 * tests and programmatic set-ups.
 *
 * <p>The common sections are typed; engine-specific sections are read through {@link #section(String)}.
 * {@link #toString()} never shows a secret.
 */
public final class DatabaseConfig {

    private final DatabaseType type;
    private final String environment;
    private final TenantId tenant;
    private final ConnectionConfig connection;
    private final PoolConfig pool;
    private final IsolationConfig isolation;
    private final LoadBalancingConfig loadBalancing;
    private final List<NodeAddress> replicas;
    private final ConfigNode root;
    private final List<String> sources;

    private DatabaseConfig(Builder b) {
        this.type = b.type;
        this.environment = b.environment;
        this.tenant = b.tenant;
        this.connection = Objects.requireNonNull(b.connection, "connection is required");
        this.pool = b.pool;
        this.isolation = b.isolation;
        this.loadBalancing = b.loadBalancing;
        this.replicas = List.copyOf(b.replicas);
        this.root = b.root == null ? ConfigNodes.empty() : b.root;
        this.sources = List.copyOf(b.sources);
    }

    /**
     * @param type the engine
     * @return a builder with defaults for everything but the connection
     */
    public static Builder builder(DatabaseType type) {
        return new Builder(type);
    }

    /** @return a builder starting from this configuration */
    public Builder toBuilder() {
        Builder b = new Builder(type);
        b.environment = environment;
        b.tenant = tenant;
        b.connection = connection;
        b.pool = pool;
        b.isolation = isolation;
        b.loadBalancing = loadBalancing;
        b.replicas = replicas;
        b.root = root;
        b.sources = sources;
        return b;
    }

    /** @return the engine */
    public DatabaseType type() {
        return type;
    }

    /** @return the environment: {@code production}, {@code development}, {@code staging} or {@code testing} */
    public String environment() {
        return environment;
    }

    /** @return the tenant whose layer was merged in, if any */
    public Optional<TenantId> tenant() {
        return Optional.ofNullable(tenant);
    }

    /** @return the {@code connection} section */
    public ConnectionConfig connection() {
        return connection;
    }

    /** @return the {@code pool} section */
    public PoolConfig pool() {
        return pool;
    }

    /** @return the {@code tenant_isolation} section */
    public IsolationConfig isolation() {
        return isolation;
    }

    /** @return the {@code load_balancing} section */
    public LoadBalancingConfig loadBalancing() {
        return loadBalancing;
    }

    /** @return read replicas from the {@code replicas} section (may be empty) */
    public List<NodeAddress> replicas() {
        return replicas;
    }

    /** @return the whole merged tree */
    public ConfigNode root() {
        return root;
    }

    /**
     * @param name a top-level section, e.g. {@code redis}, {@code resilience}, {@code monitoring}
     * @return the section, empty when absent
     */
    public ConfigNode section(String name) {
        return root.node(name);
    }

    /** @return the files merged, lowest precedence first (for messages) */
    public List<String> sources() {
        return sources;
    }

    @Override
    public String toString() {
        return "DatabaseConfig{type=" + type + ", environment=" + environment
                + (tenant == null ? "" : ", tenant=" + tenant)
                + ", hosts=" + connection.hosts() + ", database=" + connection.database()
                + ", user=" + connection.user() + ", password=" + connection.password()
                + ", pool=" + pool + ", isolation=" + isolation.strategy() + ", loadBalancing="
                + loadBalancing.strategy().id() + ", replicas=" + replicas + "}";
    }

    /** Builds a {@link DatabaseConfig}. */
    public static final class Builder {
        private final DatabaseType type;
        private String environment = "production";
        private TenantId tenant;
        private ConnectionConfig connection;
        private PoolConfig pool = PoolConfig.DEFAULT;
        private IsolationConfig isolation = IsolationConfig.DEFAULT;
        private LoadBalancingConfig loadBalancing = LoadBalancingConfig.DEFAULT;
        private List<NodeAddress> replicas = List.of();
        private ConfigNode root;
        private List<String> sources = List.of();

        private Builder(DatabaseType type) {
            this.type = Objects.requireNonNull(type, "type");
        }

        /** @param environment the environment @return this */
        public Builder environment(String environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /** @param tenant the tenant layer, or {@code null} @return this */
        public Builder tenant(TenantId tenant) {
            this.tenant = tenant;
            return this;
        }

        /** @param connection the connection section @return this */
        public Builder connection(ConnectionConfig connection) {
            this.connection = Objects.requireNonNull(connection, "connection");
            return this;
        }

        /** @param pool the pool section @return this */
        public Builder pool(PoolConfig pool) {
            this.pool = Objects.requireNonNull(pool, "pool");
            return this;
        }

        /** @param isolation the isolation section @return this */
        public Builder isolation(IsolationConfig isolation) {
            this.isolation = Objects.requireNonNull(isolation, "isolation");
            return this;
        }

        /** @param loadBalancing the load-balancing section @return this */
        public Builder loadBalancing(LoadBalancingConfig loadBalancing) {
            this.loadBalancing = Objects.requireNonNull(loadBalancing, "loadBalancing");
            return this;
        }

        /** @param replicas read replicas @return this */
        public Builder replicas(List<NodeAddress> replicas) {
            this.replicas = List.copyOf(replicas);
            return this;
        }

        /** @param root the merged tree, for engine-specific sections @return this */
        public Builder root(ConfigNode root) {
            this.root = root;
            return this;
        }

        /** @param sources the files merged @return this */
        public Builder sources(List<String> sources) {
            this.sources = List.copyOf(sources);
            return this;
        }

        /**
         * @return the configuration
         * @throws NullPointerException when no connection was given
         */
        public DatabaseConfig build() {
            return new DatabaseConfig(this);
        }
    }
}
