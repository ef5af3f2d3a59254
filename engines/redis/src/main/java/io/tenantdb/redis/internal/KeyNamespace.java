package io.tenantdb.redis.internal;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.exception.ConfigException;
import io.tenantdb.core.exception.IsolationViolationException;

import java.util.regex.Pattern;

/**
 * A tenant's key namespace: the prefix put in front of every key and channel, and the checks that
 * keep caller-supplied names inside it.
 *
 * <p>The prefix is the tenant's rendered name ({@link IsolationConfig#nameFor(TenantId)}, e.g.
 * {@code tenant_acme}) followed by {@code ':'}, wrapped in a hash tag ({@code {tenant_acme}:}) when
 * {@code redis.hash_tag} is on so that all of a tenant's keys live in one cluster slot. The name may
 * only contain {@code [A-Za-z0-9_.-]}; since it can contain neither {@code ':'} nor braces, no
 * tenant's prefix is a prefix of another's: tenant {@code a} ({@code {tenant_a}:}) never reaches
 * keys of {@code a_b} ({@code {tenant_a_b}:}) or {@code ab}.
 */
public final class KeyNamespace {

    private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,120}");
    /** Longest logical key accepted: keys are not data. */
    static final int MAX_KEY_LENGTH = 4096;

    private final TenantId tenant;
    private final String prefix;
    private final String scanPrefix;

    private KeyNamespace(TenantId tenant, String prefix) {
        this.tenant = tenant;
        this.prefix = prefix;
        this.scanPrefix = escapeGlob(prefix);
    }

    /**
     * @param tenant    the tenant
     * @param isolation the tenant's isolation section (its prefix template gives the name)
     * @param hashTag   whether to wrap the name in a cluster hash tag
     * @return the namespace
     * @throws ConfigException when the template renders a name with characters other than
     *     {@code [A-Za-z0-9_.-]}
     */
    public static KeyNamespace of(TenantId tenant, IsolationConfig isolation, boolean hashTag) {
        String name = isolation.nameFor(tenant);
        if (!SAFE_NAME.matcher(name).matches()) {
            throw new ConfigException("tenant_isolation.prefix '" + isolation.prefix() + "' renders the Redis key name '"
                    + name + "' for tenant " + tenant.value() + ": it may only contain letters, digits, '_', '.' and '-'"
                    + " (no ':', braces or glob characters, which would let one tenant's prefix cover another's);"
                    + " change the template", DatabaseType.REDIS, null);
        }
        return new KeyNamespace(tenant, hashTag ? "{" + name + "}:" : name + ":");
    }

    /** @return the tenant */
    public TenantId tenant() {
        return tenant;
    }

    /** @return the physical prefix, e.g. {@code {tenant_acme}:} */
    public String prefix() {
        return prefix;
    }

    /** @return the prefix with glob characters escaped, for SCAN/PSUBSCRIBE patterns and ACL rules */
    public String globPrefix() {
        return scanPrefix;
    }

    /**
     * @param key a logical key or channel: non-empty, no glob characters ({@code * ? [ ] \}), no CR,
     *            LF or NUL
     * @return the physical key
     * @throws IsolationViolationException when the key is refused
     */
    public String key(String key) {
        checkLiteral(key, "key");
        return prefix + key;
    }

    /**
     * @param keys logical keys
     * @return the physical keys
     */
    public String[] keys(String... keys) {
        if (keys == null || keys.length == 0) {
            throw refuse("at least one key is required", "pass one or more keys");
        }
        String[] out = new String[keys.length];
        for (int i = 0; i < keys.length; i++) {
            out[i] = key(keys[i]);
        }
        return out;
    }

    /**
     * @param channel a logical pub/sub channel (same rules as keys)
     * @return the physical channel
     */
    public String channel(String channel) {
        checkLiteral(channel, "channel");
        return prefix + channel;
    }

    /**
     * @param pattern a glob relative to the namespace (glob characters allowed, CR/LF/NUL not)
     * @return a pattern that can only match inside the namespace
     */
    public String pattern(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            throw refuse("the pattern is empty", "pass a glob such as 'user:*' (or '*' for every key)");
        }
        checkControl(pattern, "pattern");
        if (pattern.length() > MAX_KEY_LENGTH) {
            throw refuse("the pattern is longer than " + MAX_KEY_LENGTH + " characters", "shorten it");
        }
        return scanPrefix + pattern;
    }

    /**
     * @param physical a physical key or channel read from the server
     * @return whether it belongs to this namespace
     */
    public boolean owns(String physical) {
        return physical != null && physical.startsWith(prefix) && physical.length() > prefix.length();
    }

    /**
     * @param physical a physical key or channel of this namespace
     * @return the logical key
     * @throws IsolationViolationException when it is not in the namespace
     */
    public String strip(String physical) {
        if (!owns(physical)) {
            throw new IsolationViolationException("the server returned a key outside the tenant's namespace; it was"
                    + " dropped. Check that nothing else writes under '" + prefix + "'", tenant, DatabaseType.REDIS, null);
        }
        return physical.substring(prefix.length());
    }

    private void checkLiteral(String key, String what) {
        if (key == null || key.isEmpty()) {
            throw refuse("the " + what + " is empty", "pass a non-empty " + what);
        }
        if (key.length() > MAX_KEY_LENGTH) {
            throw refuse("the " + what + " is longer than " + MAX_KEY_LENGTH + " characters", "shorten it");
        }
        checkControl(key, what);
        for (int i = 0; i < key.length(); i++) {
            char c = key.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                throw refuse("the " + what + " '" + key + "' contains the glob character '" + c + "'",
                        "use a literal " + what + " without * ? [ ] \\ (patterns are only accepted by scan/psubscribe)");
            }
        }
    }

    private void checkControl(String text, String what) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r' || c == '\n' || c == '\0') {
                throw refuse("the " + what + " contains a CR, LF or NUL character", "remove control characters");
            }
        }
    }

    private IsolationViolationException refuse(String what, String fix) {
        return new IsolationViolationException(what + ": refused; " + fix, tenant, DatabaseType.REDIS, null);
    }

    /**
     * @param text literal text
     * @return the text with Redis glob characters escaped by a backslash
     */
    static String escapeGlob(String text) {
        StringBuilder b = new StringBuilder(text.length() + 4);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
                b.append('\\');
            }
            b.append(c);
        }
        return b.toString();
    }

    @Override
    public String toString() {
        return "KeyNamespace[" + prefix + "]";
    }
}
