package io.tenantdb.core.config;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.exception.ConfigException;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The keys a configuration file may hold, with their types: the one place that declares them.
 * Every layer (base file, environment override, tenant file, environment variables) is checked
 * against it before merging, so an unknown key or a wrong type is refused with the file and line
 * where it is written.
 *
 * <p>{@link #standard()} declares the sections every engine shares ({@code connection}, {@code pool},
 * {@code tenant_isolation}, {@code load_balancing}, {@code replicas}, {@code shards}, {@code resilience},
 * {@code monitoring}, {@code backup}, {@code security}) and each engine's own section
 * ({@code postgresql}, {@code timescaledb}, {@code mongodb}, {@code redis}, {@code clickhouse},
 * {@code elasticsearch}). A module that reads a section of its own adds it with
 * {@link #withSection(String, Key, DatabaseType...)} and passes the schema to
 * {@link ConfigLoader#withSchema(ConfigSchema)}:
 * <pre>{@code
 * ConfigSchema schema = ConfigSchema.standard().withSection("quotas", ConfigSchema.section()
 *         .key("max_operations_per_second", ConfigSchema.integer(1, 1_000_000))
 *         .key("window", ConfigSchema.duration())
 *         .build());
 * }</pre>
 *
 * <p>Instances are immutable.
 */
public final class ConfigSchema {

    private static final Pattern KEY_NAME = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    private static final ConfigSchema STANDARD = buildStandard();

    private final Map<String, Key> common;
    private final Map<DatabaseType, Map<String, Key>> engines;
    private final Map<DatabaseType, SectionKey> roots = new EnumMap<>(DatabaseType.class);

    private ConfigSchema(Map<String, Key> common, Map<DatabaseType, Map<String, Key>> engines) {
        this.common = Collections.unmodifiableMap(new LinkedHashMap<>(common));
        Map<DatabaseType, Map<String, Key>> copy = new EnumMap<>(DatabaseType.class);
        for (DatabaseType type : DatabaseType.values()) {
            copy.put(type, Collections.unmodifiableMap(new LinkedHashMap<>(engines.getOrDefault(type, Map.of()))));
        }
        this.engines = Collections.unmodifiableMap(copy);
        for (DatabaseType type : DatabaseType.values()) {
            Map<String, Key> all = new LinkedHashMap<>(this.common);
            all.putAll(this.engines.get(type));
            SectionKey root = new SectionKey(all, Set.of("connection"));
            checkEnvironmentNamesUnique(type, root);
            roots.put(type, root);
        }
    }

    /** @return the schema of every key tenantdb's core and engines read */
    public static ConfigSchema standard() {
        return STANDARD;
    }

    /**
     * Adds a top-level section.
     *
     * @param name    the section's key, lower-case with underscores
     * @param section its keys, from {@link #section()}
     * @param engines the engines whose files may hold it; none means every engine
     * @return a new schema with the section
     * @throws IllegalArgumentException when the name is not a valid key or already declared for one
     *     of the engines
     */
    public ConfigSchema withSection(String name, Key section, DatabaseType... engines) {
        checkName(name);
        Objects.requireNonNull(section, "section");
        if (!(section instanceof SectionKey)) {
            throw new IllegalArgumentException("a top-level entry must be a section: use ConfigSchema.section()");
        }
        List<DatabaseType> targets = engines.length == 0 ? List.of() : Arrays.asList(engines);
        Map<String, Key> newCommon = new LinkedHashMap<>(common);
        Map<DatabaseType, Map<String, Key>> newEngines = new EnumMap<>(DatabaseType.class);
        for (DatabaseType type : DatabaseType.values()) {
            newEngines.put(type, new LinkedHashMap<>(this.engines.get(type)));
            boolean applies = targets.isEmpty() || targets.contains(type);
            if (applies && roots.get(type).fields.containsKey(name)) {
                throw new IllegalArgumentException("section '" + name + "' is already declared for " + type.id());
            }
        }
        if (targets.isEmpty()) {
            newCommon.put(name, section);
        } else {
            for (DatabaseType type : targets) {
                newEngines.get(type).put(name, section);
            }
        }
        return new ConfigSchema(newCommon, newEngines);
    }

    /**
     * @param engine an engine
     * @return the top-level section names its files may hold
     */
    public Set<String> sections(DatabaseType engine) {
        return Collections.unmodifiableSet(roots.get(engine).fields.keySet());
    }

    /** @return the root section of an engine's files */
    SectionKey root(DatabaseType engine) {
        return roots.get(engine);
    }

    /**
     * @param engine an engine
     * @return the port a node address without one gets
     */
    public static int defaultPort(DatabaseType engine) {
        switch (engine) {
            case MONGODB: return 27017;
            case REDIS: return 6379;
            case CLICKHOUSE: return 8123;
            case ELASTICSEARCH: return 9200;
            default: return 5432;
        }
    }

    // ------------------------------------------------------------------ key factories

    /** @return a string (no control characters); numbers are taken as written, booleans must be quoted */
    public static Key string() {
        return ScalarKey.STRING;
    }

    /** @return a lower-case SQL-safe identifier: {@code [a-z_][a-z0-9_]*}, at most 63 characters */
    public static Key identifier() {
        return ScalarKey.IDENTIFIER;
    }

    /**
     * @return a name template: {@value IsolationConfig#PLACEHOLDER} surrounded by at most 15 characters
     *     {@code [a-z0-9_]} in all, so every rendered name is a valid identifier of at most 63 characters
     */
    public static Key template() {
        return ScalarKey.TEMPLATE;
    }

    /** @return {@code true} or {@code false} */
    public static Key bool() {
        return ScalarKey.BOOL;
    }

    /** @return a duration: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 2d}, seconds, or ISO-8601 */
    public static Key duration() {
        return ScalarKey.DURATION;
    }

    /** @return a secret reference {@code ${env:NAME}} or {@code ${file:/path}}; plain text is refused */
    public static Key secret() {
        return ScalarKey.SECRET;
    }

    /** @return a node: {@code host:port} (port optional) or a mapping {host, port, region, zone, weight} */
    public static Key node() {
        return NodeKey.INSTANCE;
    }

    /**
     * @return a mapping of option names to scalar values (driver options); names that look like
     *     secrets (password, token, api_key, ...) are refused, secrets are references elsewhere
     */
    public static Key stringMap() {
        return StringMapKey.INSTANCE;
    }

    /**
     * @param min smallest value
     * @param max largest value
     * @return a decimal integer in [min, max]
     */
    public static Key integer(long min, long max) {
        return new IntegerKey(min, max);
    }

    /**
     * @param min smallest value
     * @param max largest value
     * @return a number in [min, max]
     */
    public static Key number(double min, double max) {
        return new NumberKey(min, max);
    }

    /**
     * @param names the allowed values
     * @return one of the names
     */
    public static Key oneOf(String... names) {
        return new EnumKey(new LinkedHashSet<>(Arrays.asList(names)));
    }

    /**
     * @param element the type of each item
     * @return a list; a higher layer replaces it as a whole
     */
    public static Key listOf(Key element) {
        return new ListKey(Objects.requireNonNull(element, "element"));
    }

    /**
     * @param value the type of each entry
     * @return a mapping whose names are chosen by the user (identifiers, e.g. tier names), each value of
     *     one type; maps merge deeply like sections, and cannot be set from environment variables
     */
    public static Key mapOf(Key value) {
        return new MapKey(Objects.requireNonNull(value, "value"));
    }

    /** @return a builder of a section (a mapping with known keys) */
    public static SectionBuilder section() {
        return new SectionBuilder();
    }

    /** Builds a section: a mapping whose keys are known. */
    public static final class SectionBuilder {
        private final Map<String, Key> fields = new LinkedHashMap<>();
        private final Set<String> required = new LinkedHashSet<>();

        private SectionBuilder() {
        }

        /**
         * @param name the key, lower-case with underscores
         * @param type its type
         * @return this
         */
        public SectionBuilder key(String name, Key type) {
            checkName(name);
            if (fields.putIfAbsent(name, Objects.requireNonNull(type, "type")) != null) {
                throw new IllegalArgumentException("key '" + name + "' declared twice");
            }
            return this;
        }

        /**
         * A key that must be present once the layers are merged (inside a list item: in the item).
         *
         * @param name the key
         * @param type its type
         * @return this
         */
        public SectionBuilder required(String name, Key type) {
            key(name, type);
            required.add(name);
            return this;
        }

        /** @return the section */
        public Key build() {
            return new SectionKey(fields, required);
        }
    }

    /**
     * The type of a configuration key. Created only by the factories of {@link ConfigSchema}.
     */
    public abstract static class Key {

        Key() {
        }

        /** @return what is expected, for messages */
        abstract String expected();

        /**
         * Checks one layer's value.
         *
         * @param value    the value (never a null scalar: those unset a key and are not checked)
         * @param path     its dotted path
         * @param context  engine and environment
         * @param complete whether required keys must be present (list items are complete in their layer)
         */
        abstract void check(TreeValue value, String path, Values.Context context, boolean complete);

        /**
         * Turns an environment variable's text into a value of this type.
         *
         * @param text   the text
         * @param origin the variable
         * @return the value
         * @throws ConfigException when this key cannot be set from the environment
         */
        TreeValue fromEnvironment(String text, Origin origin, String path, Values.Context context) {
            return new TreeValue.Scalar(text, SafeYamlReader.kindOfPlain(text), origin);
        }
    }

    // ------------------------------------------------------------------ key types

    private static final class ScalarKey extends Key {
        static final ScalarKey STRING = new ScalarKey("a string");
        static final ScalarKey IDENTIFIER = new ScalarKey("an identifier (lower-case letter or '_', then a-z, 0-9, '_')");
        static final ScalarKey TEMPLATE = new ScalarKey("a name template containing " + IsolationConfig.PLACEHOLDER);
        static final ScalarKey BOOL = new ScalarKey("true or false");
        static final ScalarKey DURATION = new ScalarKey("a duration such as 10s");
        static final ScalarKey SECRET = new ScalarKey("a secret reference ${env:NAME} or ${file:/path}");

        private final String expected;

        private ScalarKey(String expected) {
            this.expected = expected;
        }

        @Override
        String expected() {
            return expected;
        }

        @Override
        void check(TreeValue value, String path, Values.Context context, boolean complete) {
            if (this == IDENTIFIER) {
                Values.identifier(value, path, context);
            } else if (this == TEMPLATE) {
                Values.template(value, path, context);
            } else if (this == BOOL) {
                Values.bool(value, path, context);
            } else if (this == DURATION) {
                Values.duration(value, path, context);
            } else if (this == SECRET) {
                Values.secret(value, path, context);
            } else {
                Values.text(value, path, context);
            }
        }
    }

    private static final class IntegerKey extends Key {
        private final long min;
        private final long max;

        IntegerKey(long min, long max) {
            this.min = min;
            this.max = max;
        }

        @Override
        String expected() {
            return "an integer";
        }

        @Override
        void check(TreeValue value, String path, Values.Context context, boolean complete) {
            Values.integer(value, path, min, max, context);
        }
    }

    private static final class NumberKey extends Key {
        private final double min;
        private final double max;

        NumberKey(double min, double max) {
            this.min = min;
            this.max = max;
        }

        @Override
        String expected() {
            return "a number";
        }

        @Override
        void check(TreeValue value, String path, Values.Context context, boolean complete) {
            Values.number(value, path, min, max, context);
        }
    }

    private static final class EnumKey extends Key {
        private final Set<String> names;

        EnumKey(Set<String> names) {
            this.names = Collections.unmodifiableSet(names);
        }

        @Override
        String expected() {
            return "one of " + String.join(", ", names);
        }

        @Override
        void check(TreeValue value, String path, Values.Context context, boolean complete) {
            Values.oneOf(value, path, names, context);
        }
    }

    private static final class NodeKey extends Key {
        static final NodeKey INSTANCE = new NodeKey();

        private static final Set<String> FIELDS = Set.of("host", "port", "region", "zone", "weight");

        @Override
        String expected() {
            return "a node (host:port, or host/port/region/zone/weight)";
        }

        @Override
        void check(TreeValue value, String path, Values.Context context, boolean complete) {
            if (value instanceof TreeValue.Mapping) {
                for (Map.Entry<String, TreeValue.Entry> e : ((TreeValue.Mapping) value).entries().entrySet()) {
                    if (!FIELDS.contains(e.getKey())) {
                        throw Values.problem(e.getValue().keyOrigin(), path, "unknown key " + Values.shown(e.getKey())
                                + ": a node has host, port, region, zone, weight", context);
                    }
                }
            }
            Values.address(value, path, context);
        }
    }

    private static final class StringMapKey extends Key {
        static final StringMapKey INSTANCE = new StringMapKey();
        private static final Pattern SECRET_LIKE = Pattern.compile(
                "(?i)pass(word|wd)?|pwd|secret|token|credential|api_?key|private_?key");

        @Override
        String expected() {
            return "a mapping of names to values";
        }

        @Override
        void check(TreeValue value, String path, Values.Context context, boolean complete) {
            if (!(value instanceof TreeValue.Mapping)) {
                throw Values.problem(value, path, "expected " + expected() + ", found " + value.typeName(), context);
            }
            for (Map.Entry<String, TreeValue.Entry> e : ((TreeValue.Mapping) value).entries().entrySet()) {
                if (SECRET_LIKE.matcher(e.getKey()).find()) {
                    // would bypass the secret-reference rule and be printed with the options
                    throw Values.problem(e.getValue().keyOrigin(), path + "." + e.getKey(), "options must not hold secrets"
                            + " (value not shown): use connection.password or a secret key of the engine's section,"
                            + " as a ${env:NAME} or ${file:/path} reference", context);
                }
                TreeValue v = e.getValue().value();
                if (!(v instanceof TreeValue.Scalar && ((TreeValue.Scalar) v).isNull())) {
                    Values.optionText(v, path + "." + e.getKey(), context);
                }
            }
        }

        @Override
        TreeValue fromEnvironment(String text, Origin origin, String path, Values.Context context) {
            throw Values.problem(origin, path, "a mapping cannot be set from an environment variable: set it in a file", context);
        }
    }

    private static final class ListKey extends Key {
        private final Key element;

        ListKey(Key element) {
            this.element = element;
        }

        @Override
        String expected() {
            return "a list of " + element.expected();
        }

        @Override
        void check(TreeValue value, String path, Values.Context context, boolean complete) {
            if (!(value instanceof TreeValue.Sequence)) {
                throw Values.problem(value, path, "expected " + expected() + ", found " + value.typeName(), context);
            }
            List<TreeValue> items = ((TreeValue.Sequence) value).items();
            for (int i = 0; i < items.size(); i++) {
                TreeValue item = items.get(i);
                if (item instanceof TreeValue.Scalar && ((TreeValue.Scalar) item).isNull()) {
                    throw Values.problem(item, path + "[" + i + "]", "empty list item: remove the '-' or give a value", context);
                }
                element.check(item, path + "[" + i + "]", context, true);
            }
        }

        @Override
        TreeValue fromEnvironment(String text, Origin origin, String path, Values.Context context) {
            if (element instanceof SectionKey || element instanceof ListKey || element instanceof StringMapKey) {
                throw Values.problem(origin, path, "a list of sections cannot be set from an environment variable: set it in a file",
                        context);
            }
            List<TreeValue> items = new ArrayList<>();
            for (String part : text.split(",", -1)) {
                String t = part.trim();
                if (t.isEmpty()) {
                    throw Values.problem(origin, path, "empty item in the comma-separated list", context);
                }
                items.add(element.fromEnvironment(t, origin, path, context));
            }
            return new TreeValue.Sequence(items, origin);
        }
    }

    private static final class MapKey extends Key {
        private final Key value;

        MapKey(Key value) {
            this.value = value;
        }

        @Override
        String expected() {
            return "a mapping of names to " + value.expected();
        }

        @Override
        void check(TreeValue v, String path, Values.Context context, boolean complete) {
            if (!(v instanceof TreeValue.Mapping)) {
                throw Values.problem(v, path, "expected " + expected() + ", found " + v.typeName(), context);
            }
            for (Map.Entry<String, TreeValue.Entry> e : ((TreeValue.Mapping) v).entries().entrySet()) {
                String childPath = path + "." + e.getKey();
                if (!KEY_NAME.matcher(e.getKey()).matches()) {
                    throw Values.problem(e.getValue().keyOrigin(), childPath, "invalid name " + Values.shown(e.getKey())
                            + ": use lower-case words joined by '_'", context);
                }
                TreeValue item = e.getValue().value();
                if (!(item instanceof TreeValue.Scalar && ((TreeValue.Scalar) item).isNull())) {
                    value.check(item, childPath, context, complete);
                }
            }
        }

        @Override
        TreeValue fromEnvironment(String text, Origin origin, String path, Values.Context context) {
            throw Values.problem(origin, path, "a mapping cannot be set from an environment variable: set it in a file", context);
        }
    }

    /** A mapping with known keys. */
    static final class SectionKey extends Key {
        final Map<String, Key> fields;
        final Set<String> required;

        SectionKey(Map<String, Key> fields, Set<String> required) {
            this.fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
            this.required = Collections.unmodifiableSet(new LinkedHashSet<>(required));
        }

        @Override
        String expected() {
            return "a section with keys " + String.join(", ", fields.keySet());
        }

        @Override
        void check(TreeValue value, String path, Values.Context context, boolean complete) {
            if (!(value instanceof TreeValue.Mapping)) {
                throw Values.problem(value, path, "expected a section (mapping) with keys " + String.join(", ", fields.keySet())
                        + ", found " + value.typeName(), context);
            }
            TreeValue.Mapping mapping = (TreeValue.Mapping) value;
            for (Map.Entry<String, TreeValue.Entry> e : mapping.entries().entrySet()) {
                String childPath = path.isEmpty() ? e.getKey() : path + "." + e.getKey();
                Key key = fields.get(e.getKey());
                if (key == null) {
                    throw Values.problem(e.getValue().keyOrigin(), childPath, "unknown key " + Values.shown(e.getKey())
                            + (path.isEmpty() ? " at the top level" : " in " + path) + ": known keys are "
                            + String.join(", ", fields.keySet()), context);
                }
                TreeValue v = e.getValue().value();
                if (v instanceof TreeValue.Scalar && ((TreeValue.Scalar) v).isNull()) {
                    continue; // unsets the key in this layer
                }
                key.check(v, childPath, context, complete);
            }
            if (complete) {
                checkRequired(mapping, path, context);
            }
        }

        /** Checks that the merged mapping holds every required key, in nested sections too. */
        void checkRequired(TreeValue.Mapping mapping, String path, Values.Context context) {
            for (String name : required) {
                TreeValue v = mapping.get(name);
                if (v == null || (v instanceof TreeValue.Scalar && ((TreeValue.Scalar) v).isNull())) {
                    throw Values.problem(mapping.origin(), "", requiredLeaf(path, name) + " is required but missing", context);
                }
                if (v instanceof TreeValue.Sequence && ((TreeValue.Sequence) v).items().isEmpty()) {
                    throw Values.problem(v, "", join(path, name) + " must not be empty", context);
                }
            }
            for (Map.Entry<String, TreeValue.Entry> e : mapping.entries().entrySet()) {
                Key key = fields.get(e.getKey());
                if (key instanceof SectionKey && e.getValue().value() instanceof TreeValue.Mapping) {
                    ((SectionKey) key).checkRequired((TreeValue.Mapping) e.getValue().value(), join(path, e.getKey()), context);
                }
            }
        }

        private String requiredLeaf(String path, String name) {
            Key key = fields.get(name);
            if (key instanceof SectionKey && !((SectionKey) key).required.isEmpty()) {
                return ((SectionKey) key).requiredLeaf(join(path, name), ((SectionKey) key).required.iterator().next());
            }
            return join(path, name);
        }

        @Override
        TreeValue fromEnvironment(String text, Origin origin, String path, Values.Context context) {
            throw Values.problem(origin, path, "a section cannot be set from an environment variable: name one of its keys ("
                    + String.join(", ", fields.keySet()) + ")", context);
        }
    }

    private static String join(String path, String name) {
        return path.isEmpty() ? name : path + "." + name;
    }

    private static void checkName(String name) {
        if (name == null || !KEY_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid key name '" + name + "': use lower-case words joined by '_'");
        }
    }

    /** Every leaf must have its own environment variable name: no two paths may spell the same. */
    private static void checkEnvironmentNamesUnique(DatabaseType type, SectionKey root) {
        Map<String, String> seen = new LinkedHashMap<>();
        collect(root, "", seen, type);
    }

    private static void collect(SectionKey section, String path, Map<String, String> seen, DatabaseType type) {
        for (Map.Entry<String, Key> e : section.fields.entrySet()) {
            String p = join(path, e.getKey());
            String env = EnvironmentLayer.variableName(type, p);
            String other = seen.put(env, p);
            if (other != null) {
                throw new IllegalArgumentException("keys " + other + " and " + p + " both map to " + env);
            }
            if (e.getValue() instanceof SectionKey) {
                collect((SectionKey) e.getValue(), p, seen, type);
            }
        }
    }

    // ------------------------------------------------------------------ the standard schema

    private static ConfigSchema buildStandard() {
        Key nodes = listOf(node());
        Map<String, Key> common = new LinkedHashMap<>();
        common.put("connection", section()
                .required("hosts", nodes)
                .key("database", string())
                .key("user", string())
                .key("password", secret())
                .key("tls", section()
                        .key("enabled", bool())
                        .key("verify", bool())
                        .key("ca_file", string())
                        .key("cert_file", string())
                        .key("key_file", string())
                        .build())
                .key("connect_timeout", duration())
                .key("options", stringMap())
                .build());
        common.put("pool", section()
                .key("initial_size", integer(0, 10_000))
                .key("max_size", integer(1, 10_000))
                .key("max_idle_time", duration())
                .key("acquire_timeout", duration())
                .key("validation_query", string())
                // read by the tenancy module (WarmingConfig): predictive pool warming, off by default
                .key("warming", section()
                        .key("enabled", bool())
                        .key("interval", duration())
                        .key("half_life", duration())
                        .key("min_rate", number(0.000001, 1_000_000))
                        .key("max_per_cycle", integer(1, 10_000))
                        .key("tracked_tenants", integer(1, 10_000_000))
                        .build())
                .build());
        common.put("tenant_isolation", section()
                .key("strategy", oneOf(ids(IsolationStrategy.values(), IsolationStrategy::id)))
                .key("prefix", template())
                .key("encryption", oneOf("none", "per_tenant_keys"))
                .build());
        common.put("load_balancing", section()
                .key("strategy", oneOf(ids(LoadBalancingConfig.Strategy.values(), LoadBalancingConfig.Strategy::id)))
                .key("health_check_interval", duration())
                .key("failover_timeout", duration())
                .build());
        common.put("replicas", nodes);
        common.put("shards", listOf(section()
                .required("name", identifier())
                .required("hosts", nodes)
                .key("database", string())
                .build()));
        common.put("resilience", section()
                .key("circuit_breaker", section()
                        .key("enabled", bool())
                        .key("failure_rate_threshold", number(1, 100))
                        .key("wait_duration_in_open_state", duration())
                        .key("sliding_window_size", integer(1, 100_000))
                        .build())
                .key("retry", section()
                        .key("max_attempts", integer(1, 100))
                        .key("backoff", duration())
                        .build())
                .key("timeout", duration())
                .key("bulkhead", section()
                        .key("enabled", bool())
                        .key("max_concurrent", integer(1, 100_000))
                        .build())
                .key("rate_limiter", section()
                        .key("enabled", bool())
                        .key("limit_per_second", integer(1, 10_000_000))
                        .build())
                // read by the tenancy module: quotas per tenant tier (TenantRecord.tier)
                .key("tiers", mapOf(section()
                        .key("bulkhead", section()
                                .key("max_concurrent", integer(1, 100_000))
                                .build())
                        .key("rate_limiter", section()
                                .key("limit_per_second", integer(1, 10_000_000))
                                .build())
                        .build()))
                .build());
        common.put("monitoring", section()
                .key("thresholds", section()
                        .key("cpu_percent", number(0, 100))
                        .key("memory_percent", number(0, 100))
                        .key("p99_latency", duration())
                        .key("cache_hit_ratio", number(0, 1))
                        .key("failed_connections_percent", number(0, 100))
                        .build())
                .key("slow_query_threshold", duration())
                // read by the observability module (MonitoringConfig): rules, intervals, anomaly detection
                .key("evaluation_interval", duration())
                .key("top_tenants", integer(0, 10_000))
                .key("health", section()
                        .key("interval", duration())
                        .key("timeout", duration())
                        .build())
                .key("alerts", listOf(section()
                        .required("name", identifier())
                        .required("metric", identifier())
                        .key("above", number(-1e15, 1e15))
                        .key("below", number(-1e15, 1e15))
                        .key("for", duration())
                        .key("severity", oneOf("info", "warning", "critical"))
                        .key("predict", duration())
                        .key("window", duration())
                        .build()))
                .key("anomaly", section()
                        .key("enabled", bool())
                        .key("z_threshold", number(0.1, 1000))
                        .key("alpha", number(0.0001, 1))
                        .key("warmup", integer(1, 100_000))
                        .key("min_operations", integer(1, 1_000_000))
                        .key("severity", oneOf("info", "warning", "critical"))
                        .build())
                .build());
        common.put("backup", section()
                .key("schedule", string())
                .key("retention", duration())
                .key("directory", string())
                .build());
        common.put("security", section()
                .key("audit", section()
                        .key("enabled", bool())
                        .build())
                .key("encryption", section()
                        .key("key_rotation_interval", duration())
                        .build())
                .build());

        Key postgresql = section()
                .key("application_name", string())
                .key("statement_timeout", duration())
                .key("ssl_mode", oneOf("disable", "allow", "prefer", "require", "verify-ca", "verify-full"))
                .key("rls_role", identifier())
                .key("rls_schema", identifier())
                .key("fetch_size", integer(0, 1_000_000))
                .key("max_pools", integer(1, 100_000))
                .key("connection_budget", integer(0, 100_000))
                // in a tenant's own file: the tenant's own pool on the shared database (schema/RLS)
                .key("dedicated_pool", section()
                        .required("max_size", integer(1, 10_000))
                        .build())
                .key("tenant_ddl", listOf(string()))
                .build();
        Map<DatabaseType, Map<String, Key>> engines = new EnumMap<>(DatabaseType.class);
        engines.put(DatabaseType.POSTGRESQL, Map.of("postgresql", postgresql));
        Map<String, Key> timescale = new LinkedHashMap<>();
        timescale.put("postgresql", postgresql);
        timescale.put("timescaledb", section()
                .key("chunk_interval", duration())
                .key("compression_after", duration())
                .key("retention", duration())
                .build());
        engines.put(DatabaseType.TIMESCALEDB, timescale);
        engines.put(DatabaseType.MONGODB, Map.of("mongodb", section()
                .key("replica_set", string())
                .key("auth_source", string())
                .key("allow_server_side_js", bool())
                .key("server_selection_timeout", duration())
                .key("tenant_field", string())
                .key("insert_batch_size", integer(1, 100_000))
                .key("native_on_shared", bool())
                .key("change_stream_pre_images", bool())
                .build()));
        engines.put(DatabaseType.REDIS, Map.of("redis", section()
                .key("topology", oneOf("standalone", "sentinel", "cluster"))
                .key("sentinel_master", string())
                .key("hash_tag", bool())
                .key("acl_per_tenant", bool())
                .key("command_timeout", duration())
                .key("database", integer(0, 65_535))
                .key("acl_secret", secret())
                .key("topology_refresh", duration())
                .key("stream_poll_interval", duration())
                .build()));
        engines.put(DatabaseType.CLICKHOUSE, Map.of("clickhouse", section()
                .key("max_execution_time", duration())
                .key("compression", bool())
                .build()));
        engines.put(DatabaseType.ELASTICSEARCH, Map.of("elasticsearch", section()
                .key("api_key", secret())
                .key("flavor", oneOf("auto", "elasticsearch", "opensearch"))
                .key("number_of_shards", integer(1, 1024))
                .key("number_of_replicas", integer(0, 100))
                .key("request_timeout", duration())
                .key("page_size", integer(1, 10_000))
                .key("point_in_time", bool())
                .key("pit_keep_alive", duration())
                .key("bulk_max_docs", integer(1, 100_000))
                .key("bulk_max_bytes", integer(1024, 100L * 1024 * 1024))
                .key("write_refresh", oneOf("none", "wait_for", "immediate"))
                .key("indices", listOf(identifier()))
                .build()));
        return new ConfigSchema(common, engines);
    }

    private static <E extends Enum<E>> String[] ids(E[] values, java.util.function.Function<E, String> id) {
        return Arrays.stream(values).map(id).toArray(String[]::new);
    }
}
