package io.tenantdb.core;

import io.tenantdb.core.config.ConfigLoader;
import io.tenantdb.core.config.ConfigSchema;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.exception.ConfigException;
import io.tenantdb.core.internal.DefaultEngineContext;
import io.tenantdb.core.session.DocumentSession;
import io.tenantdb.core.session.KeyValueSession;
import io.tenantdb.core.session.SearchSession;
import io.tenantdb.core.session.Session;
import io.tenantdb.core.session.SqlSession;
import io.tenantdb.core.spi.Engine;
import io.tenantdb.core.spi.EngineContext;
import io.tenantdb.core.spi.EngineProvider;
import io.tenantdb.core.spi.Health;
import io.tenantdb.core.spi.OperationRunner;
import io.tenantdb.core.spi.TargetResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;

/**
 * The façade a service holds: built once from configuration, it hands out tenant-scoped sessions
 * for every configured engine.
 *
 * <pre>{@code
 * TenantDb db = TenantDb.builder().configDirectory(Path.of("config")).environment("development").build();
 * db.sql(DatabaseType.POSTGRESQL).query("SELECT title FROM tracks WHERE id = $1", 42)
 *   .map(row -> row.get("title", String.class))
 *   .contextWrite(TenantContext.of("spotify_premium"));
 * }</pre>
 *
 * <p>Sessions resolve the tenant when subscribed, so one {@code TenantDb} serves every tenant
 * concurrently. {@link #closeAsync()} releases every pool and connection.
 */
public final class TenantDb implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TenantDb.class);

    private final Map<DatabaseType, Engine> engines;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TenantDb(Map<DatabaseType, Engine> engines) {
        this.engines = Collections.unmodifiableMap(engines);
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the engines running, by type */
    public Set<DatabaseType> engineTypes() {
        return engines.keySet();
    }

    /**
     * @param type an engine type
     * @return the running engine
     * @throws ConfigException when that engine is not configured
     */
    public Engine engine(DatabaseType type) {
        Engine engine = engines.get(type);
        if (engine == null) {
            throw new ConfigException("engine " + type.id() + " is not configured: add " + type.id()
                    + ".yml to the configuration directory (or pass its config to the builder) and put tenantdb-"
                    + (type == DatabaseType.TIMESCALEDB ? "postgresql" : type.id()) + " on the class path", type, null);
        }
        return engine;
    }

    /**
     * @param type an engine type
     * @param family a session family
     * @param <S> the family
     * @return a session of that family on that engine
     */
    public <S extends Session> S session(DatabaseType type, Class<S> family) {
        return engine(type).session(family);
    }

    /** @param type PostgreSQL, TimescaleDB or ClickHouse @return its SQL session */
    public SqlSession sql(DatabaseType type) {
        return session(type, SqlSession.class);
    }

    /** @param type MongoDB @return its document session */
    public DocumentSession documents(DatabaseType type) {
        return session(type, DocumentSession.class);
    }

    /** @param type Redis @return its key-value session */
    public KeyValueSession keyValue(DatabaseType type) {
        return session(type, KeyValueSession.class);
    }

    /** @param type Elasticsearch @return its search session */
    public SearchSession search(DatabaseType type) {
        return session(type, SearchSession.class);
    }

    /**
     * Provisions a tenant on every engine, one after the other.
     *
     * @param tenant the tenant
     * @return completes when every engine has provisioned it
     */
    public Mono<Void> provision(TenantId tenant) {
        return Flux.fromIterable(engines.values()).concatMap(e -> e.provision(tenant)).then();
    }

    /**
     * Removes a tenant and its data from every engine.
     *
     * @param tenant the tenant
     * @return completes when done
     */
    public Mono<Void> deprovision(TenantId tenant) {
        return Flux.fromIterable(engines.values()).concatMap(e -> e.deprovision(tenant)).then();
    }

    /** @return the health of every node of every engine */
    public Flux<Health> health() {
        return Flux.fromIterable(engines.values()).flatMap(Engine::health);
    }

    /** @return completes when every engine is closed; later calls complete at once */
    public Mono<Void> closeAsync() {
        if (!closed.compareAndSet(false, true)) {
            return Mono.empty();
        }
        return Flux.fromIterable(engines.values())
                .flatMap(e -> e.closeAsync().onErrorResume(err -> {
                    LOG.warn("closing engine {} failed: {}", e.type().id(), err.toString());
                    return Mono.empty();
                }))
                .then();
    }

    /**
     * Closes every engine, waiting up to 30 seconds. Blocks: call it from a main thread or
     * shutdown hook, never from an event loop (use {@link #closeAsync()} there).
     */
    @Override
    public void close() {
        closeAsync().block(Duration.ofSeconds(30));
    }

    /** Builds a {@link TenantDb}. Building reads configuration files: do it at start-up. */
    public static final class Builder {

        private Path configDirectory;
        private String environment = "production";
        private Map<String, String> environmentVariables;
        private final Map<DatabaseType, DatabaseConfig> explicitConfigs = new EnumMap<>(DatabaseType.class);
        private final Map<DatabaseType, Map<TenantId, DatabaseConfig>> explicitTenantConfigs = new EnumMap<>(DatabaseType.class);
        private Set<DatabaseType> only;
        private final List<OperationOperator> operators = new ArrayList<>();
        private TargetResolver targetResolver;
        private Function<? super EngineContext, ? extends TargetResolver> targetResolverFactory;
        private ClassLoader classLoader;
        private ConfigSchema schema;

        private Builder() {
        }

        /** @param directory the configuration directory @return this */
        public Builder configDirectory(Path directory) {
            this.configDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** @param environment production, development, staging or testing @return this */
        public Builder environment(String environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /** @param variables environment variables to use instead of the process's (tests) @return this */
        public Builder environmentVariables(Map<String, String> variables) {
            this.environmentVariables = Map.copyOf(variables);
            return this;
        }

        /**
         * Configures an engine programmatically, instead of (or over) its file.
         *
         * @param config the engine's configuration
         * @return this
         */
        public Builder engineConfig(DatabaseConfig config) {
            explicitConfigs.put(config.type(), config);
            return this;
        }

        /**
         * Gives one tenant its own configuration on an engine, programmatically.
         *
         * @param tenant the tenant
         * @param config its configuration
         * @return this
         */
        public Builder tenantConfig(TenantId tenant, DatabaseConfig config) {
            explicitTenantConfigs.computeIfAbsent(config.type(), t -> new HashMap<>()).put(tenant, config);
            return this;
        }

        /**
         * Limits the engines started; by default every engine that has configuration and a provider.
         *
         * @param types the engines
         * @return this
         */
        public Builder engines(DatabaseType... types) {
            this.only = types.length == 0 ? EnumSet.noneOf(DatabaseType.class) : EnumSet.of(types[0], types);
            return this;
        }

        /** @param operator an operator for every operation @return this */
        public Builder operator(OperationOperator operator) {
            operators.add(Objects.requireNonNull(operator, "operator"));
            return this;
        }

        /** @param resolver where operations run (the tenancy module's router) @return this */
        public Builder targetResolver(TargetResolver resolver) {
            this.targetResolver = resolver;
            return this;
        }

        /**
         * Builds each engine's resolver from its context, for resolvers that need the tenants'
         * configurations (a router, a circuit-breaking decorator of {@link TargetResolver#firstHost}).
         * Takes precedence over {@link #targetResolver(TargetResolver)}.
         *
         * @param factory called once per engine with its context
         * @return this
         */
        public Builder targetResolverFactory(Function<? super EngineContext, ? extends TargetResolver> factory) {
            this.targetResolverFactory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * Extends the keys configuration files may hold, for modules that add their own sections.
         *
         * @param configSchema the schema, usually {@code ConfigSchema.standard().withSection(..)}
         * @return this
         */
        public Builder configSchema(ConfigSchema configSchema) {
            this.schema = Objects.requireNonNull(configSchema, "configSchema");
            return this;
        }

        /** @param loader the class loader to find engine providers with @return this */
        public Builder classLoader(ClassLoader loader) {
            this.classLoader = loader;
            return this;
        }

        /**
         * @return the façade, with every engine created (connections open lazily)
         * @throws ConfigException when configuration is invalid or an engine has no provider
         */
        public TenantDb build() {
            ConfigLoader loader = configDirectory == null ? null
                    : environmentVariables == null ? ConfigLoader.of(configDirectory)
                    : ConfigLoader.of(configDirectory, environmentVariables);
            if (loader != null && schema != null) {
                loader = loader.withSchema(schema);
            }
            Map<DatabaseType, EngineProvider> providers = providers();
            Map<DatabaseType, Engine> engines = new LinkedHashMap<>();
            OperationRunner runner = OperationRunner.of(operators);
            try {
                for (DatabaseType type : DatabaseType.values()) {
                    if (only != null && !only.contains(type)) {
                        continue;
                    }
                    DatabaseConfig base = explicitConfigs.get(type);
                    boolean hasFile = loader != null && Files.isRegularFile(loader.directory().resolve(type.id() + ".yml"));
                    if (base == null && hasFile) {
                        base = loader.loadDatabaseConfig(type, null, environment);
                    }
                    if (base == null) {
                        if (only != null) {
                            throw new ConfigException("engine " + type.id() + " was asked for but has no configuration: add "
                                    + type.id() + ".yml or pass engineConfig(...)", type, null);
                        }
                        continue;
                    }
                    EngineProvider provider = providers.get(type);
                    if (provider == null) {
                        if (only == null && explicitConfigs.get(type) == null) {
                            LOG.info("{}.yml is configured but no tenantdb engine for it is on the class path: skipped", type.id());
                            continue;
                        }
                        throw new ConfigException("no engine for " + type.id() + " on the class path: add the dependency "
                                + "io.tenantdb:tenantdb-" + (type == DatabaseType.TIMESCALEDB ? "postgresql" : type.id()), type, null);
                    }
                    Map<TenantId, DatabaseConfig> tenants = new HashMap<>();
                    if (loader != null && hasFile) {
                        for (TenantId tenant : tenantsWithFile(loader, type)) {
                            tenants.put(tenant, loader.loadDatabaseConfig(type, tenant.value(), environment));
                        }
                    }
                    tenants.putAll(explicitTenantConfigs.getOrDefault(type, Map.of()));
                    engines.put(type, provider.create(targetResolverFactory != null
                            ? new DefaultEngineContext(type, base, tenants, targetResolverFactory, runner)
                            : new DefaultEngineContext(type, base, tenants, targetResolver, runner)));
                }
            } catch (RuntimeException e) {
                Flux.fromIterable(engines.values()).flatMap(Engine::closeAsync).onErrorResume(x -> Mono.empty())
                        .blockLast(Duration.ofSeconds(10));
                throw e;
            }
            return new TenantDb(engines);
        }

        private Map<DatabaseType, EngineProvider> providers() {
            ClassLoader cl = classLoader != null ? classLoader : Thread.currentThread().getContextClassLoader();
            Map<DatabaseType, EngineProvider> found = new EnumMap<>(DatabaseType.class);
            for (EngineProvider provider : ServiceLoader.load(EngineProvider.class, cl)) {
                for (DatabaseType type : provider.types()) {
                    found.putIfAbsent(type, provider);
                }
            }
            return found;
        }

        private static List<TenantId> tenantsWithFile(ConfigLoader loader, DatabaseType type) {
            List<TenantId> result = new ArrayList<>();
            for (TenantId tenant : loader.tenants()) {
                if (Files.isRegularFile(loader.directory().resolve("tenants").resolve(tenant.value()).resolve(type.id() + ".yml"))) {
                    result.add(tenant);
                }
            }
            return result;
        }
    }
}
