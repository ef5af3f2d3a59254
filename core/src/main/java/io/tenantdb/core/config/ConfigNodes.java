package io.tenantdb.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Factories of {@link ConfigNode}s. */
public final class ConfigNodes {

    private ConfigNodes() {
    }

    /**
     * Parses a YAML document with the same safety rules as configuration files (no aliases, no
     * tags, no duplicate keys, bounded size and depth) into a read-only node. No schema is applied:
     * for a module's own sections and tests; files go through {@link ConfigLoader}.
     *
     * @param source a name for messages, e.g. a file name
     * @param yaml   the document; empty is an empty node
     * @return the root node
     * @throws io.tenantdb.core.exception.ConfigException naming source, line and column
     */
    public static ConfigNode parse(String source, String yaml) {
        if (yaml == null || yaml.isBlank()) {
            return empty();
        }
        TreeValue.Mapping root = SafeYamlReader.parse(source, yaml, null);
        return new TreeConfigNode(root, "", new Values.Context(null, name -> null));
    }

    /**
     * A node over nested maps, for programmatic configuration of engine sections, e.g.
     * {@code DatabaseConfig.builder(REDIS).root(ConfigNodes.fromMap(Map.of("redis", Map.of("topology", "cluster"))))}.
     * Values may be strings, numbers, booleans, {@link java.time.Duration}s, {@link Secret}s, lists
     * and maps; a plain value given for a secret is held as a literal (still masked when printed).
     *
     * @param root the top-level sections
     * @return the root node
     */
    public static ConfigNode fromMap(Map<String, ?> root) {
        return new MapConfigNode("", root);
    }

    /** @return a node with no keys: every getter returns its default */
    public static ConfigNode empty() {
        return Empty.INSTANCE;
    }

    private enum Empty implements ConfigNode {
        INSTANCE;

        @Override
        public String path() {
            return "";
        }

        @Override
        public Set<String> keys() {
            return Set.of();
        }

        @Override
        public boolean has(String key) {
            return false;
        }

        @Override
        public ConfigNode node(String key) {
            return this;
        }

        @Override
        public Optional<String> string(String key) {
            return Optional.empty();
        }

        @Override
        public int integer(String key, int fallback) {
            return fallback;
        }

        @Override
        public boolean bool(String key, boolean fallback) {
            return fallback;
        }

        @Override
        public Duration duration(String key, Duration fallback) {
            return fallback;
        }

        @Override
        public List<String> strings(String key) {
            return List.of();
        }

        @Override
        public List<ConfigNode> nodes(String key) {
            return List.of();
        }

        @Override
        public Secret secret(String key) {
            return Secret.NONE;
        }
    }
}
