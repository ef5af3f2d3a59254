package io.tenantdb.core.config;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.ConfigException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Loads configuration from the directory layout
 * <pre>
 * config/
 *   postgresql.yml mongodb.yml redis.yml clickhouse.yml timescaledb.yml elasticsearch.yml
 *   overrides/{development,staging,testing}_{engine}.yml
 *   tenants/{tenant_id}/{engine}.yml
 * </pre>
 * with precedence base &lt; environment override &lt; tenant file &lt; environment variables. Maps merge
 * deeply; lists replace; a key set to null ({@code ~}) in a higher layer removes it (its default
 * applies). {@code production} is the base with no override.
 *
 * <h2>What is checked</h2>
 * Every layer is checked against the {@link ConfigSchema} before merging and refused with a
 * {@link ConfigException} naming file, line and column: unknown keys, wrong types, out-of-range
 * numbers and ports, invalid durations ({@code 10x}), plain-text secrets, duplicate keys, keys that
 * are not strings, YAML tags and aliases, nesting deeper than {@value #MAX_NESTING_DEPTH}, files over
 * {@value #MAX_DOCUMENT_BYTES} bytes (never read further). After merging, required values
 * ({@code connection.hosts}) must be present. The layout is checked too: files must be named after a
 * known engine and environment, tenant directories must be valid {@link TenantId}s.
 *
 * <h2>Environment variables</h2>
 * {@code TENANTDB_<ENGINE>_<PATH>} sets the key at {@code <PATH>} for that engine only: the engine's
 * id and the path's keys upper-cased, keys joined by {@code _} exactly as nested sections are.
 * <pre>
 * TENANTDB_POSTGRESQL_POOL_MAX_SIZE=20                    pool.max_size: 20
 * TENANTDB_REDIS_TENANT_ISOLATION_STRATEGY=row_level_security
 * TENANTDB_MONGODB_RESILIENCE_CIRCUIT_BREAKER_SLIDING_WINDOW_SIZE=50
 * TENANTDB_POSTGRESQL_CONNECTION_HOSTS=db1:5432,db2:5432  lists: comma-separated
 * TENANTDB_POSTGRESQL_CONNECTION_PASSWORD=${env:PG_PASSWORD}   secrets: still a reference
 * </pre>
 * The name is resolved against the schema (which guarantees no two keys spell the same name), so
 * keys containing {@code _} need no escaping. The value is read like an unquoted YAML scalar. Lists
 * of sections ({@code shards}) and mappings ({@code connection.options}) cannot be set this way. An
 * empty value counts as unset. A variable starting with {@code TENANTDB_<ENGINE>_} that names no
 * known key is an error, for whichever engine is loaded; other {@code TENANTDB_} variables (such as
 * {@code TENANTDB_STATE} of the service scripts) are not configuration and are ignored.
 *
 * <h2>Secrets</h2>
 * Secrets are references, resolved only by {@link Secret#reveal()}: loading succeeds when the
 * variable is not set. No message, log line or {@code toString} shows a secret's value.
 *
 * <p>Loading reads files: call it at start-up or on {@code Schedulers.boundedElastic()}, never on
 * an event loop. Instances are immutable and thread-safe.
 */
public final class ConfigLoader {

    /** The largest file read, in bytes: 1 MiB. */
    public static final int MAX_DOCUMENT_BYTES = 1024 * 1024;
    /** The deepest nesting of mappings and lists accepted. */
    public static final int MAX_NESTING_DEPTH = 20;
    /** The environments: {@code production} (base files only) and those with override files. */
    public static final List<String> ENVIRONMENTS = List.of("production", "development", "staging", "testing");

    private static final String OVERRIDES = "overrides";
    private static final String TENANTS = "tenants";

    private final Path directory;
    private final Map<String, String> environmentVariables;
    private final ConfigSchema schema;
    /** Set once the directory layout was found valid: listing every tenant on every load would be quadratic. */
    private volatile boolean layoutChecked;

    private ConfigLoader(Path directory, Map<String, String> environmentVariables, ConfigSchema schema) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.environmentVariables = Map.copyOf(environmentVariables);
        this.schema = Objects.requireNonNull(schema, "schema");
    }

    /**
     * @param directory the configuration directory
     * @return a loader reading this process's environment variables
     */
    public static ConfigLoader of(Path directory) {
        return new ConfigLoader(directory, System.getenv(), ConfigSchema.standard());
    }

    /**
     * @param directory            the configuration directory
     * @param environmentVariables the variables to apply and to resolve secrets from (tests)
     * @return a loader
     */
    public static ConfigLoader of(Path directory, Map<String, String> environmentVariables) {
        return new ConfigLoader(directory, environmentVariables, ConfigSchema.standard());
    }

    /**
     * @param schema the keys to accept, e.g. {@link ConfigSchema#standard()} with a module's section added
     * @return a loader like this one checking against {@code schema}
     */
    public ConfigLoader withSchema(ConfigSchema schema) {
        return new ConfigLoader(directory, environmentVariables, schema);
    }

    /** @return the configuration directory */
    public Path directory() {
        return directory;
    }

    /** @return the schema files are checked against */
    public ConfigSchema schema() {
        return schema;
    }

    /**
     * Loads one engine's configuration, by engine name.
     *
     * @param engine      the engine's id, e.g. {@code postgresql}
     * @param tenantId    the tenant whose file to merge, or {@code null} for none
     * @param environment {@code production}, {@code development}, {@code staging} or {@code testing}
     * @return the merged, typed configuration
     * @throws ConfigException when the engine is unknown, or as {@link #loadDatabaseConfig(DatabaseType, String, String)}
     */
    public DatabaseConfig loadDatabaseConfig(String engine, String tenantId, String environment) {
        return loadDatabaseConfig(DatabaseType.fromId(engine), tenantId, environment);
    }

    /**
     * Loads one engine's configuration.
     *
     * @param type        the engine
     * @param tenantId    the tenant whose file to merge, or {@code null} for none (a tenant without
     *                    a file gets the base configuration)
     * @param environment {@code production}, {@code development}, {@code staging} or {@code testing}
     * @return the merged, typed configuration
     * @throws ConfigException naming file, line and column of what is wrong
     * @throws io.tenantdb.core.exception.InvalidTenantException when {@code tenantId} is not a valid tenant id
     */
    public DatabaseConfig loadDatabaseConfig(DatabaseType type, String tenantId, String environment) {
        Objects.requireNonNull(type, "type");
        if (environment == null || !ENVIRONMENTS.contains(environment)) {
            throw new ConfigException("unknown environment " + (environment == null ? "null" : Values.shown(environment))
                    + ": use one of " + String.join(", ", ENVIRONMENTS), type, null);
        }
        TenantId tenant = tenantId == null ? null : TenantId.of(tenantId);
        checkLayout(type);
        Values.Context context = new Values.Context(type, environmentVariables::get);
        ConfigSchema.SectionKey root = schema.root(type);

        List<String> sources = new ArrayList<>();
        Path base = directory.resolve(type.id() + ".yml");
        if (!Files.isRegularFile(base)) {
            throw new ConfigException(base + ": file not found: every engine needs its base file " + type.id()
                    + ".yml in " + directory, type, null);
        }
        TreeValue.Mapping merged = new TreeValue.Mapping(Map.of(), Origin.startOf(base.toString()));
        merged = merged.mergedWith(layer(base, root, context, sources));
        if (!environment.equals("production")) {
            Path override = directory.resolve(OVERRIDES).resolve(environment + "_" + type.id() + ".yml");
            if (Files.isRegularFile(override)) {
                merged = merged.mergedWith(layer(override, root, context, sources));
            }
        }
        if (tenant != null) {
            Path tenantFile = directory.resolve(TENANTS).resolve(tenant.value()).resolve(type.id() + ".yml");
            if (Files.isRegularFile(tenantFile)) {
                merged = merged.mergedWith(layer(tenantFile, root, context, sources));
            }
        }
        EnvironmentLayer.Result env = EnvironmentLayer.layer(schema, type, environmentVariables, environmentVariables::get);
        if (!env.variables().isEmpty()) {
            merged = merged.mergedWith(env.mapping());
            sources.add("environment " + String.join(", ", env.variables()));
        }
        root.checkRequired(merged, "", context);
        return build(type, environment, tenant, new TreeConfigNode(merged, "", context), context, sources);
    }

    /**
     * Lists the tenants that have a directory under {@code tenants/}.
     *
     * @return the tenant ids, sorted
     * @throws ConfigException when a directory name is not a valid tenant id
     */
    public List<TenantId> tenants() {
        Path dir = directory.resolve(TENANTS);
        List<TenantId> result = new ArrayList<>();
        for (Path p : list(dir, null)) {
            String name = p.getFileName().toString();
            if (!TenantId.isValid(name)) {
                throw new ConfigException(p + ": tenant directory name " + Values.shown(name)
                        + " is not a valid tenant id (" + TenantId.RULE + "): rename the directory", null, null);
            }
            if (Files.isDirectory(p)) {
                result.add(TenantId.of(name));
            }
        }
        Collections.sort(result);
        return result;
    }

    private TreeValue.Mapping layer(Path file, ConfigSchema.SectionKey root, Values.Context context, List<String> sources) {
        TreeValue.Mapping mapping = SafeYamlReader.read(file, context.engine());
        root.check(mapping, "", context, false);
        sources.add(file.toString());
        return mapping;
    }

    /** Checks file and directory names: a misspelled file would otherwise be silently ignored. */
    private void checkLayout(DatabaseType type) {
        if (layoutChecked) {
            return;
        }
        if (!Files.isDirectory(directory)) {
            throw new ConfigException(directory + ": configuration directory not found", type, null);
        }
        for (Path p : list(directory, type)) {
            String name = p.getFileName().toString();
            if (isYaml(name) && (!name.endsWith(".yml") || engineOf(name.substring(0, name.length() - 4)) == null)) {
                throw new ConfigException(p + ": unknown engine file: base files are named "
                        + engineFileNames() + ".yml", type, null);
            }
        }
        for (Path p : list(directory.resolve(OVERRIDES), type)) {
            String name = p.getFileName().toString();
            if (!isYaml(name) && Files.isDirectory(p)) {
                continue;
            }
            int underscore = name.indexOf('_');
            String env = underscore < 0 ? "" : name.substring(0, underscore);
            String engine = underscore < 0 || !name.endsWith(".yml") ? ""
                    : name.substring(underscore + 1, name.length() - ".yml".length());
            if (!ENVIRONMENTS.subList(1, ENVIRONMENTS.size()).contains(env) || engineOf(engine) == null) {
                throw new ConfigException(p + ": unknown override file: name it {environment}_{engine}.yml with environment "
                        + "development, staging or testing (production is the base file) and engine "
                        + engineFileNames(), type, null);
            }
        }
        for (TenantId tenant : tenants()) {
            for (Path p : list(directory.resolve(TENANTS).resolve(tenant.value()), type)) {
                String name = p.getFileName().toString();
                if ((isYaml(name) || Files.isDirectory(p))
                        && (!name.endsWith(".yml") || engineOf(name.substring(0, name.length() - 4)) == null)) {
                    throw new ConfigException(p + ": unknown tenant file: name it {engine}.yml with engine "
                            + engineFileNames(), type, null);
                }
            }
        }
        layoutChecked = true;
    }

    private static boolean isYaml(String name) {
        return name.endsWith(".yml") || name.endsWith(".yaml");
    }

    private static DatabaseType engineOf(String id) {
        for (DatabaseType t : DatabaseType.values()) {
            if (t.id().equals(id)) {
                return t;
            }
        }
        return null;
    }

    private static String engineFileNames() {
        List<String> ids = new ArrayList<>();
        for (DatabaseType t : DatabaseType.values()) {
            ids.add(t.id());
        }
        return String.join("|", ids);
    }

    private static List<Path> list(Path dir, DatabaseType type) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            List<Path> result = new ArrayList<>();
            // hidden files (editor swap files, .DS_Store) are not configuration
            s.filter(p -> !p.getFileName().toString().startsWith(".")).sorted().forEach(result::add);
            return result;
        } catch (IOException e) {
            throw new ConfigException(dir + ": cannot list: " + e.getClass().getSimpleName(), type, e);
        }
    }

    // ------------------------------------------------------------------ typed sections

    private static DatabaseConfig build(DatabaseType type, String environment, TenantId tenant, TreeConfigNode root,
                                        Values.Context context, List<String> sources) {
        TreeConfigNode conn = (TreeConfigNode) root.node("connection");
        TreeConfigNode tls = (TreeConfigNode) conn.node("tls");
        TlsConfig tlsConfig = new TlsConfig(tls.bool("enabled", false), tls.bool("verify", true),
                tls.string("ca_file").orElse(null), tls.string("cert_file").orElse(null),
                tls.string("key_file").orElse(null));
        if ((tlsConfig.certFile() == null) != (tlsConfig.keyFile() == null)) {
            throw Values.problem(root.origin("connection"), "connection.tls",
                    "cert_file and key_file go together: give both or neither", context);
        }
        Map<String, String> options = new LinkedHashMap<>();
        TreeConfigNode optionNode = (TreeConfigNode) conn.node("options");
        for (Map.Entry<String, TreeValue.Entry> option : optionNode.mapping().entries().entrySet()) {
            options.put(option.getKey(), Values.optionText(option.getValue().value(), "connection.options."
                    + option.getKey(), context));
        }
        ConnectionConfig connection = typed(conn, "hosts", () -> new ConnectionConfig(conn.addresses("hosts"),
                conn.string("database").orElse(null), conn.string("user").orElse(null), conn.secret("password"),
                tlsConfig, conn.duration("connect_timeout", ConnectionConfig.DEFAULT_CONNECT_TIMEOUT), options), context);

        TreeConfigNode pool = (TreeConfigNode) root.node("pool");
        PoolConfig poolConfig = typed(pool, "initial_size", () -> new PoolConfig(
                pool.integer("initial_size", PoolConfig.DEFAULT.initialSize()),
                pool.integer("max_size", PoolConfig.DEFAULT_MAX_SIZE),
                pool.duration("max_idle_time", PoolConfig.DEFAULT_MAX_IDLE_TIME),
                pool.duration("acquire_timeout", PoolConfig.DEFAULT_ACQUIRE_TIMEOUT),
                pool.string("validation_query").orElse(null)), context);

        TreeConfigNode iso = (TreeConfigNode) root.node("tenant_isolation");
        IsolationConfig isolation = typed(iso, "prefix", () -> new IsolationConfig(
                iso.string("strategy").map(IsolationStrategy::fromId).orElse(IsolationConfig.DEFAULT.strategy()),
                iso.string("prefix", IsolationConfig.DEFAULT_PREFIX),
                iso.string("encryption", IsolationConfig.DEFAULT.encryption())), context);

        TreeConfigNode lb = (TreeConfigNode) root.node("load_balancing");
        LoadBalancingConfig loadBalancing = typed(lb, "strategy", () -> new LoadBalancingConfig(
                lb.string("strategy").map(LoadBalancingConfig.Strategy::fromId)
                        .orElse(LoadBalancingConfig.DEFAULT.strategy()),
                lb.duration("health_check_interval", LoadBalancingConfig.DEFAULT.healthCheckInterval()),
                lb.duration("failover_timeout", LoadBalancingConfig.DEFAULT.failoverTimeout())), context);

        checkShards(root, context);
        checkRedis(root, context);

        return DatabaseConfig.builder(type)
                .environment(environment)
                .tenant(tenant)
                .connection(connection)
                .pool(poolConfig)
                .isolation(isolation)
                .loadBalancing(loadBalancing)
                .replicas(root.addresses("replicas"))
                .root(root)
                .sources(sources)
                .build();
    }

    /** Runs a record's constructor; its check becomes a ConfigException at the section's key. */
    private static <T> T typed(TreeConfigNode section, String key, Supplier<T> constructor, Values.Context context) {
        try {
            return constructor.get();
        } catch (IllegalArgumentException e) {
            throw Values.problem(section.origin(key), section.path(), e.getMessage(), context);
        }
    }

    private static void checkShards(TreeConfigNode root, Values.Context context) {
        Set<String> names = new java.util.HashSet<>();
        for (ConfigNode shard : root.nodes("shards")) {
            String name = shard.string("name").orElse("");
            if (!names.add(name)) {
                throw Values.problem(((TreeConfigNode) shard).origin("name"), shard.path() + ".name",
                        "duplicate shard name " + Values.shown(name) + ": shard names must be unique", context);
            }
        }
    }

    private static void checkRedis(TreeConfigNode root, Values.Context context) {
        if (context.engine() != DatabaseType.REDIS) {
            return;
        }
        TreeConfigNode redis = (TreeConfigNode) root.node("redis");
        if ("sentinel".equals(redis.string("topology", "standalone")) && !redis.has("sentinel_master")) {
            throw Values.problem(redis.origin("topology"), "redis.sentinel_master",
                    "topology sentinel needs redis.sentinel_master (the master's name)", context);
        }
    }
}
