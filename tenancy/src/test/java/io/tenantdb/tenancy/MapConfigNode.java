package io.tenantdb.tenancy;

import io.tenantdb.core.config.ConfigNode;
import io.tenantdb.core.config.ConfigNodes;
import io.tenantdb.core.config.Secret;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** A map-backed configuration tree for tests (engine-specific sections). */
final class MapConfigNode implements ConfigNode {

    private final String path;
    private final Map<String, Object> values;

    MapConfigNode(String path, Map<String, Object> values) {
        this.path = path;
        this.values = values;
    }

    static ConfigNode root(Map<String, Object> values) {
        return new MapConfigNode("", values);
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public Set<String> keys() {
        return values.keySet();
    }

    @Override
    public boolean has(String key) {
        return values.containsKey(key);
    }

    @Override
    @SuppressWarnings("unchecked")
    public ConfigNode node(String key) {
        Object v = values.get(key);
        return v instanceof Map ? new MapConfigNode(path.isEmpty() ? key : path + "." + key, (Map<String, Object>) v)
                : ConfigNodes.empty();
    }

    @Override
    public Optional<String> string(String key) {
        Object v = values.get(key);
        return v == null || v instanceof Map ? Optional.empty() : Optional.of(String.valueOf(v));
    }

    @Override
    public int integer(String key, int fallback) {
        Object v = values.get(key);
        return v == null ? fallback : Integer.parseInt(String.valueOf(v));
    }

    @Override
    public boolean bool(String key, boolean fallback) {
        Object v = values.get(key);
        return v == null ? fallback : Boolean.parseBoolean(String.valueOf(v));
    }

    @Override
    public Duration duration(String key, Duration fallback) {
        Object v = values.get(key);
        return v == null ? fallback : Duration.ofSeconds(Long.parseLong(String.valueOf(v)));
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<String> strings(String key) {
        Object v = values.get(key);
        return v == null ? List.of() : (List<String>) v;
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<ConfigNode> nodes(String key) {
        Object v = values.get(key);
        if (!(v instanceof List)) {
            return List.of();
        }
        return ((List<Object>) v).stream().map(o -> (ConfigNode) new MapConfigNode(key, (Map<String, Object>) o)).toList();
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<io.tenantdb.core.config.NodeAddress> addresses(String key) {
        Object v = values.get(key);
        if (!(v instanceof List)) {
            return List.of();
        }
        return ((List<Object>) v).stream().map(o -> {
            String[] hp = String.valueOf(o).split(":");
            return io.tenantdb.core.config.NodeAddress.of(hp[0], Integer.parseInt(hp[1]));
        }).toList();
    }

    @Override
    public Secret secret(String key) {
        Object v = values.get(key);
        return v == null ? Secret.NONE : Secret.literal(String.valueOf(v));
    }
}
