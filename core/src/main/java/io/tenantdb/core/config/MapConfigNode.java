package io.tenantdb.core.config;

import io.tenantdb.core.exception.ConfigException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A {@link ConfigNode} over nested maps, for programmatic configuration (see {@link ConfigNodes#fromMap}). */
final class MapConfigNode implements ConfigNode {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)?");

    private final String path;
    private final Map<String, ?> values;

    MapConfigNode(String path, Map<String, ?> values) {
        this.path = path;
        this.values = Map.copyOf(values);
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

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    private ConfigException wrong(String key, String expected, Object found) {
        return new ConfigException(child(key) + ": expected " + expected + ", found "
                + (found instanceof Map ? "a section (mapping)" : found instanceof List ? "a list" : "'" + found + "'"));
    }

    @Override
    @SuppressWarnings("unchecked")
    public ConfigNode node(String key) {
        Object v = values.get(key);
        if (v == null) {
            return new MapConfigNode(child(key), Map.of());
        }
        if (!(v instanceof Map)) {
            throw wrong(key, "a section (mapping)", v);
        }
        return new MapConfigNode(child(key), (Map<String, ?>) v);
    }

    private Object scalar(String key) {
        Object v = values.get(key);
        if (v instanceof Map || v instanceof List) {
            throw wrong(key, "a value", v);
        }
        return v;
    }

    @Override
    public Optional<String> string(String key) {
        return Optional.ofNullable(scalar(key)).map(String::valueOf);
    }

    @Override
    public int integer(String key, int fallback) {
        Object v = scalar(key);
        if (v == null) {
            return fallback;
        }
        try {
            return v instanceof Number ? ((Number) v).intValue() : Integer.parseInt(String.valueOf(v).trim());
        } catch (NumberFormatException e) {
            throw wrong(key, "a whole number", v);
        }
    }

    @Override
    public boolean bool(String key, boolean fallback) {
        Object v = scalar(key);
        if (v == null) {
            return fallback;
        }
        String s = String.valueOf(v);
        if (s.equals("true") || s.equals("false")) {
            return Boolean.parseBoolean(s);
        }
        throw wrong(key, "true or false", v);
    }

    @Override
    public Duration duration(String key, Duration fallback) {
        Object v = scalar(key);
        if (v == null) {
            return fallback;
        }
        if (v instanceof Duration) {
            return (Duration) v;
        }
        Matcher m = DURATION.matcher(String.valueOf(v).trim());
        if (!m.matches()) {
            throw wrong(key, "a duration such as 500ms, 10s, 5m, 1h, 2d or a number of seconds", v);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        switch (unit) {
            case "ms":
                return Duration.ofMillis(n);
            case "m":
                return Duration.ofMinutes(n);
            case "h":
                return Duration.ofHours(n);
            case "d":
                return Duration.ofDays(n);
            default:
                return Duration.ofSeconds(n);
        }
    }

    @Override
    public List<String> strings(String key) {
        Object v = values.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List)) {
            throw wrong(key, "a list", v);
        }
        List<String> out = new ArrayList<>();
        for (Object o : (List<?>) v) {
            out.add(String.valueOf(o));
        }
        return List.copyOf(out);
    }

    @Override
    @SuppressWarnings("unchecked")
    public List<ConfigNode> nodes(String key) {
        Object v = values.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof List)) {
            throw wrong(key, "a list of sections", v);
        }
        List<ConfigNode> out = new ArrayList<>();
        int i = 0;
        for (Object o : (List<?>) v) {
            if (!(o instanceof Map)) {
                throw wrong(key + "[" + i + "]", "a section (mapping)", o);
            }
            out.add(new MapConfigNode(child(key) + "[" + i++ + "]", (Map<String, ?>) o));
        }
        return List.copyOf(out);
    }

    @Override
    public Secret secret(String key) {
        Object v = scalar(key);
        return v == null ? Secret.NONE : v instanceof Secret ? (Secret) v : Secret.literal(String.valueOf(v));
    }

    /** Keys only: values may hold secrets. */
    @Override
    public String toString() {
        return "ConfigNode" + (path.isEmpty() ? "" : "[" + path + "]") + keys();
    }
}
