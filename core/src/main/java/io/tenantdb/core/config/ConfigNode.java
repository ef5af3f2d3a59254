package io.tenantdb.core.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A read-only view of one section of a merged configuration tree, for engine-specific settings.
 * Every getter checks the type and, when it is wrong, throws a
 * {@link io.tenantdb.core.exception.ConfigException} naming the key's path and the file and line it
 * came from.
 */
public interface ConfigNode {

    /** @return the dotted path of this node, e.g. {@code redis} or {@code pool} ({@code ""} for the root) */
    String path();

    /** @return the keys present here */
    Set<String> keys();

    /** @param key a key @return whether it is present */
    boolean has(String key);

    /** @param key a key @return the child section, or an empty node when absent */
    ConfigNode node(String key);

    /** @param key a key @return the string value, if present */
    Optional<String> string(String key);

    /** @param key a key @param fallback the default @return the string value or the default */
    default String string(String key, String fallback) {
        return string(key).orElse(fallback);
    }

    /** @param key a key @param fallback the default @return the integer value or the default */
    int integer(String key, int fallback);

    /** @param key a key @param fallback the default @return the boolean value or the default */
    boolean bool(String key, boolean fallback);

    /**
     * @param key      a key whose value is a duration ({@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h},
     *                 {@code 2d}, or a number of seconds)
     * @param fallback the default
     * @return the duration or the default
     */
    Duration duration(String key, Duration fallback);

    /**
     * @param key      a key whose value is a number (integer or decimal), e.g. a threshold
     * @param fallback the default
     * @return the number or the default
     */
    default double number(String key, double fallback) {
        return string(key).map(Double::parseDouble).orElse(fallback);
    }

    /**
     * @param key a key whose value is a list of nodes ({@code host:port} strings or
     *            {host, port, region, zone, weight} mappings), e.g. {@code hosts} of a shard
     * @return the nodes, empty when absent
     */
    default List<NodeAddress> addresses(String key) {
        if (!has(key)) {
            return List.of();
        }
        throw new UnsupportedOperationException("addresses(" + key + ") is not supported by " + getClass().getName());
    }

    /** @param key a key @return the list of strings, empty when absent */
    List<String> strings(String key);

    /** @param key a key @return the list of sections, empty when absent */
    List<ConfigNode> nodes(String key);

    /** @param key a key whose value is a secret reference @return the secret, {@link Secret#NONE} when absent */
    Secret secret(String key);
}
