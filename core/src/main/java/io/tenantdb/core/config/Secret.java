package io.tenantdb.core.config;

import io.tenantdb.core.exception.ConfigException;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/**
 * A secret from configuration: a reference ({@code ${env:NAME}} or {@code ${file:/path}}) resolved
 * only when {@link #reveal()} is called. It never prints its value: {@link #toString()} shows the
 * reference kind and name only.
 */
public final class Secret {

    /** The empty secret: no password. */
    public static final Secret NONE = new Secret("none", "", null);

    private final String kind;
    private final String name;
    private final Function<String, String> env;

    private Secret(String kind, String name, Function<String, String> env) {
        this.kind = kind;
        this.name = name;
        this.env = env;
    }

    /**
     * Parses a reference.
     *
     * @param reference {@code ${env:NAME}} or {@code ${file:/path}}
     * @param env       how to read environment variables (tests pass a map)
     * @return the secret
     * @throws ConfigException when the text is not a reference (a plain-text secret is refused)
     */
    public static Secret parse(String reference, Function<String, String> env) {
        Objects.requireNonNull(env, "env");
        if (reference != null && reference.startsWith("${") && reference.endsWith("}")) {
            String body = reference.substring(2, reference.length() - 1);
            int colon = body.indexOf(':');
            if (colon > 0) {
                String kind = body.substring(0, colon);
                String name = body.substring(colon + 1);
                if (!name.isEmpty() && (kind.equals("env") || kind.equals("file"))) {
                    return new Secret(kind, name, env);
                }
            }
        }
        throw new ConfigException("a secret must be a reference ${env:NAME} or ${file:/path}, not plain text"
                + " (value not shown)");
    }

    /**
     * @param name an environment variable name
     * @return a secret read from that variable of this process
     */
    public static Secret env(String name) {
        return new Secret("env", name, System::getenv);
    }

    /**
     * @param value a literal value, for tests and programmatic configuration
     * @return a secret holding it (still masked when printed)
     */
    public static Secret literal(String value) {
        Map<String, String> holder = Map.of("value", value);
        return new Secret("literal", "value", holder::get);
    }

    /**
     * Resolves the secret now.
     *
     * @return the value; empty for {@link #NONE}
     * @throws ConfigException when the variable is not set or the file cannot be read (the value is
     *     never in the message)
     */
    public String reveal() {
        switch (kind) {
            case "none":
                return "";
            case "file":
                try {
                    return Files.readString(Path.of(name), StandardCharsets.UTF_8).strip();
                } catch (IOException e) {
                    throw new ConfigException("cannot read secret file " + name + ": " + e.getClass().getSimpleName()
                            + "; create it or change the ${file:...} reference");
                }
            default:
                String v = env.apply(name);
                if (v == null) {
                    throw new ConfigException("secret " + describe() + " is not set: export it before start-up");
                }
                return v;
        }
    }

    /** @return whether this is {@link #NONE} */
    public boolean isNone() {
        return "none".equals(kind);
    }

    /** @return the reference without the value, e.g. {@code ${env:PG_PASSWORD}} */
    public String describe() {
        return isNone() ? "none" : kind.equals("literal") ? "literal" : "${" + kind + ":" + name + "}";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Secret && ((Secret) o).kind.equals(kind) && ((Secret) o).name.equals(name);
    }

    @Override
    public int hashCode() {
        return kind.hashCode() * 31 + name.hashCode();
    }

    /** Masked: never the value. */
    @Override
    public String toString() {
        return isNone() ? "Secret[none]" : "Secret[****, from " + describe() + "]";
    }
}
