package io.tenantdb.core.config;

import io.tenantdb.core.DatabaseType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The environment-variable layer: {@code TENANTDB_<ENGINE>_<PATH>}, the path's keys upper-cased and
 * joined by {@code _} (see {@link ConfigLoader} for the rules). Names are resolved against the
 * schema, which guarantees that no two keys spell the same variable.
 */
final class EnvironmentLayer {

    /** The prefix of every configuration variable. */
    static final String PREFIX = "TENANTDB_";

    private EnvironmentLayer() {
    }

    /**
     * @param engine the engine
     * @param path   a dotted key path, e.g. {@code pool.max_size}
     * @return the variable that sets it, e.g. {@code TENANTDB_POSTGRESQL_POOL_MAX_SIZE}
     */
    static String variableName(DatabaseType engine, String path) {
        return prefix(engine) + path.replace('.', '_').toUpperCase(Locale.ROOT);
    }

    private static String prefix(DatabaseType engine) {
        return PREFIX + engine.id().toUpperCase(Locale.ROOT) + "_";
    }

    /**
     * Checks every {@code TENANTDB_<ENGINE>_*} variable of every engine against the schema and
     * returns those of {@code engine} as a layer. Other {@code TENANTDB_} variables (not followed by
     * an engine name) belong to tools and scripts and are ignored.
     *
     * @param schema    the schema
     * @param engine    the engine being loaded
     * @param variables the environment
     * @param env       how secrets read variables
     * @return the layer and the names of the variables in it
     */
    static Result layer(ConfigSchema schema, DatabaseType engine, Map<String, String> variables,
                        java.util.function.Function<String, String> env) {
        TreeValue.Mapping result = new TreeValue.Mapping(Map.of(), Origin.environment(prefix(engine) + "*"));
        List<String> applied = new ArrayList<>();
        for (Map.Entry<String, String> v : new TreeMap<>(variables).entrySet()) {
            String name = v.getKey();
            for (DatabaseType type : DatabaseType.values()) {
                if (!name.startsWith(prefix(type))) {
                    continue;
                }
                // every engine's variables are checked, so a typo is caught whichever engine loads first
                Values.Context context = new Values.Context(type, env);
                TreeValue.Mapping one = resolve(schema.root(type), name, name.substring(prefix(type).length()),
                        v.getValue(), context);
                if (type == engine && one != null) {
                    result = result.mergedWith(one);
                    applied.add(name);
                }
            }
        }
        return new Result(result, applied);
    }

    /**
     * @param mapping   the layer
     * @param variables the variables it holds, by name
     */
    record Result(TreeValue.Mapping mapping, List<String> variables) {
    }

    private static TreeValue.Mapping resolve(ConfigSchema.SectionKey root, String name, String rest, String text,
                                             Values.Context context) {
        Origin origin = Origin.environment(name);
        List<String> path = new ArrayList<>();
        ConfigSchema.SectionKey section = root;
        String remaining = rest;
        ConfigSchema.Key leaf = null;
        outer:
        while (true) {
            for (Map.Entry<String, ConfigSchema.Key> f : section.fields.entrySet()) {
                String token = f.getKey().toUpperCase(Locale.ROOT);
                if (remaining.equals(token)) {
                    path.add(f.getKey());
                    leaf = f.getValue();
                    break outer;
                }
                if (remaining.startsWith(token + "_") && f.getValue() instanceof ConfigSchema.SectionKey) {
                    path.add(f.getKey());
                    section = (ConfigSchema.SectionKey) f.getValue();
                    remaining = remaining.substring(token.length() + 1);
                    continue outer;
                }
            }
            String known = String.join(", ", section.fields.keySet());
            throw Values.problem(origin, "", "names no known configuration key of " + context.engine().id()
                    + (path.isEmpty() ? "" : " under " + String.join(".", path))
                    + ": known keys here are " + known + " (write e.g. " + variableName(context.engine(), "pool.max_size")
                    + "); remove or rename the variable", context);
        }
        String dotted = String.join(".", path);
        if (text.isEmpty()) {
            return null; // an empty variable counts as not set
        }
        TreeValue value = leaf.fromEnvironment(text, origin, dotted, context);
        leaf.check(value, dotted, context, true);
        for (int i = path.size() - 1; i >= 0; i--) {
            Map<String, TreeValue.Entry> entries = new LinkedHashMap<>();
            entries.put(path.get(i), new TreeValue.Entry(origin, value));
            value = new TreeValue.Mapping(entries, origin);
        }
        return (TreeValue.Mapping) value;
    }
}
