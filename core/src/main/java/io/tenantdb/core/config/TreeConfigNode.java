package io.tenantdb.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link ConfigNode} over the merged, position-carrying tree. Values were checked against the
 * schema when loaded; a getter asked for another type than the schema's refuses with the value's
 * file and line. {@link #toString()} shows keys only, never values.
 */
final class TreeConfigNode implements ConfigNode {

    private final TreeValue.Mapping mapping;
    private final String path;
    private final Values.Context context;

    TreeConfigNode(TreeValue.Mapping mapping, String path, Values.Context context) {
        this.mapping = mapping;
        this.path = path;
        this.context = context;
    }

    /** @return the underlying mapping */
    TreeValue.Mapping mapping() {
        return mapping;
    }

    private String child(String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public Set<String> keys() {
        return Collections.unmodifiableSet(mapping.entries().keySet());
    }

    @Override
    public boolean has(String key) {
        return mapping.get(key) != null;
    }

    @Override
    public ConfigNode node(String key) {
        TreeValue v = mapping.get(key);
        if (v == null) {
            return new TreeConfigNode(new TreeValue.Mapping(java.util.Map.of(), mapping.origin()), child(key), context);
        }
        if (!(v instanceof TreeValue.Mapping)) {
            throw Values.problem(v, child(key), "expected a section (mapping), found " + v.typeName(), context);
        }
        return new TreeConfigNode((TreeValue.Mapping) v, child(key), context);
    }

    @Override
    public Optional<String> string(String key) {
        TreeValue v = mapping.get(key);
        return v == null ? Optional.empty() : Optional.of(Values.text(v, child(key), context));
    }

    @Override
    public int integer(String key, int fallback) {
        TreeValue v = mapping.get(key);
        return v == null ? fallback : (int) Values.integer(v, child(key), Integer.MIN_VALUE, Integer.MAX_VALUE, context);
    }

    @Override
    public double number(String key, double fallback) {
        TreeValue v = mapping.get(key);
        return v == null ? fallback : Values.number(v, child(key), -Double.MAX_VALUE, Double.MAX_VALUE, context);
    }

    @Override
    public boolean bool(String key, boolean fallback) {
        TreeValue v = mapping.get(key);
        return v == null ? fallback : Values.bool(v, child(key), context);
    }

    @Override
    public Duration duration(String key, Duration fallback) {
        TreeValue v = mapping.get(key);
        return v == null ? fallback : Values.duration(v, child(key), context);
    }

    @Override
    public List<String> strings(String key) {
        List<String> result = new ArrayList<>();
        List<TreeValue> items = items(key);
        for (int i = 0; i < items.size(); i++) {
            result.add(Values.text(items.get(i), child(key) + "[" + i + "]", context));
        }
        return Collections.unmodifiableList(result);
    }

    @Override
    public List<ConfigNode> nodes(String key) {
        List<ConfigNode> result = new ArrayList<>();
        List<TreeValue> items = items(key);
        for (int i = 0; i < items.size(); i++) {
            TreeValue item = items.get(i);
            String p = child(key) + "[" + i + "]";
            if (!(item instanceof TreeValue.Mapping)) {
                throw Values.problem(item, p, "expected a section (mapping), found " + item.typeName(), context);
            }
            result.add(new TreeConfigNode((TreeValue.Mapping) item, p, context));
        }
        return Collections.unmodifiableList(result);
    }

    @Override
    public List<NodeAddress> addresses(String key) {
        List<NodeAddress> result = new ArrayList<>();
        List<TreeValue> items = items(key);
        for (int i = 0; i < items.size(); i++) {
            result.add(Values.address(items.get(i), child(key) + "[" + i + "]", context));
        }
        return List.copyOf(result);
    }

    @Override
    public Secret secret(String key) {
        TreeValue v = mapping.get(key);
        return v == null ? Secret.NONE : Values.secret(v, child(key), context);
    }

    /** @return where the key is written, or where this section starts when absent */
    Origin origin(String key) {
        TreeValue.Entry e = mapping.entries().get(key);
        return e == null ? mapping.origin() : e.keyOrigin();
    }

    private List<TreeValue> items(String key) {
        TreeValue v = mapping.get(key);
        if (v == null) {
            return List.of();
        }
        if (!(v instanceof TreeValue.Sequence)) {
            throw Values.problem(v, child(key), "expected a list, found " + v.typeName(), context);
        }
        return ((TreeValue.Sequence) v).items();
    }

    /** Keys only: values may hold secret references. */
    @Override
    public String toString() {
        return "ConfigNode{path=" + (path.isEmpty() ? "<root>" : path) + ", keys=" + keys() + "}";
    }
}
