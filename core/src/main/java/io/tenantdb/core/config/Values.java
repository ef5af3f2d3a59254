package io.tenantdb.core.config;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.exception.ConfigException;
import io.tenantdb.core.exception.InvalidTenantException;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place where configuration scalars become typed values. Used both to validate each layer
 * against the schema and by {@link TreeConfigNode}'s getters, so a value accepted by one is
 * understood the same way by the other. Every refusal names the value's position and dotted path;
 * a secret's text is never put in a message.
 */
final class Values {

    private static final Pattern DURATION = Pattern.compile("(\\d{1,12})(ms|s|m|h|d)?");
    private static final Pattern HOST = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._-]{0,252})?");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");
    private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    private static final Pattern TEMPLATE_PART = Pattern.compile("[a-z0-9_]{0,15}");
    private static final int SHOWN = 64;

    private Values() {
    }

    /**
     * What conversions need besides the value.
     *
     * @param engine the engine, for messages and default ports
     * @param env    how secrets resolve environment variables (only on {@link Secret#reveal()})
     */
    record Context(DatabaseType engine, Function<String, String> env) {
    }

    static ConfigException problem(Origin origin, String path, String problem, Context context) {
        return new ConfigException(origin + ": " + (path.isEmpty() ? "" : path + ": ") + problem,
                context.engine(), null);
    }

    static ConfigException problem(TreeValue value, String path, String problem, Context context) {
        return problem(value.origin(), path, problem, context);
    }

    /** @return the text quoted, escaped and cut for a message (never for secrets) */
    static String shown(String text) {
        return "'" + InvalidTenantException.escape(text.length() > SHOWN ? text.substring(0, SHOWN) + "..." : text) + "'";
    }

    private static TreeValue.Scalar scalar(TreeValue value, String path, String expected, Context context) {
        if (!(value instanceof TreeValue.Scalar) || ((TreeValue.Scalar) value).isNull()) {
            throw problem(value, path, "expected " + expected + ", found " + value.typeName(), context);
        }
        return (TreeValue.Scalar) value;
    }

    /** A string: text, or a number written as text; booleans must be quoted to be strings. */
    static String text(TreeValue value, String path, Context context) {
        TreeValue.Scalar s = scalar(value, path, "a string", context);
        if (s.kind() == TreeValue.Kind.BOOL) {
            throw problem(value, path, "expected a string, found the boolean " + shown(s.text())
                    + ": quote it if you mean the text", context);
        }
        return checkedText(s, path, context);
    }

    /** Any scalar's text as written, booleans included: for driver options, which the driver parses. */
    static String optionText(TreeValue value, String path, Context context) {
        return checkedText(scalar(value, path, "a scalar value", context), path, context);
    }

    private static String checkedText(TreeValue.Scalar s, String path, Context context) {
        TreeValue value = s;
        for (int i = 0; i < s.text().length(); i++) {
            char c = s.text().charAt(i);
            if (c < 0x20 || c == 0x7f) {
                throw problem(value, path, "control characters are not allowed in values (found "
                        + String.format("\\u%04x", (int) c) + " at position " + i + ")", context);
            }
        }
        return s.text();
    }

    /** A decimal integer in [min, max]. */
    static long integer(TreeValue value, String path, long min, long max, Context context) {
        TreeValue.Scalar s = scalar(value, path, "an integer", context);
        String digits = s.text().replace("_", "");
        long n;
        try {
            if (s.kind() != TreeValue.Kind.INT || !digits.matches("[-+]?\\d{1,18}")) {
                throw new NumberFormatException();
            }
            n = Long.parseLong(digits);
        } catch (NumberFormatException e) {
            throw problem(value, path, "expected a decimal integer, found " + describe(s), context);
        }
        if (n < min || n > max) {
            throw problem(value, path, "must be " + range(min, max) + ", was " + n, context);
        }
        return n;
    }

    /** A finite number in [min, max]. */
    static double number(TreeValue value, String path, double min, double max, Context context) {
        TreeValue.Scalar s = scalar(value, path, "a number", context);
        double d;
        try {
            if (s.kind() != TreeValue.Kind.INT && s.kind() != TreeValue.Kind.FLOAT) {
                throw new NumberFormatException();
            }
            d = Double.parseDouble(s.text().replace("_", ""));
        } catch (NumberFormatException e) {
            throw problem(value, path, "expected a number, found " + describe(s), context);
        }
        if (!Double.isFinite(d) || d < min || d > max) {
            throw problem(value, path, "must be between " + fmt(min) + " and " + fmt(max) + ", was " + s.text(), context);
        }
        return d;
    }

    /** true/false (YAML 1.1 also: yes/no/on/off). */
    static boolean bool(TreeValue value, String path, Context context) {
        TreeValue.Scalar s = scalar(value, path, "a boolean", context);
        if (s.kind() != TreeValue.Kind.BOOL) {
            throw problem(value, path, "expected true or false, found " + describe(s), context);
        }
        String t = s.text().toLowerCase(Locale.ROOT);
        return t.equals("true") || t.equals("yes") || t.equals("on") || t.equals("y");
    }

    /**
     * A duration: {@code 500ms}, {@code 10s}, {@code 5m}, {@code 1h}, {@code 2d}, a plain number of
     * seconds, or ISO-8601 ({@code PT10S}); never negative.
     */
    static Duration duration(TreeValue value, String path, Context context) {
        TreeValue.Scalar s = scalar(value, path, "a duration", context);
        String t = s.text().trim();
        Matcher m = DURATION.matcher(t);
        if (s.kind() != TreeValue.Kind.BOOL && m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "s" : m.group(2);
            switch (unit) {
                case "ms": return Duration.ofMillis(n);
                case "m": return Duration.ofMinutes(n);
                case "h": return Duration.ofHours(n);
                case "d": return Duration.ofDays(n);
                default: return Duration.ofSeconds(n);
            }
        }
        if (s.kind() == TreeValue.Kind.STRING && (t.startsWith("P") || t.startsWith("p"))) {
            try {
                Duration d = Duration.parse(t);
                if (!d.isNegative()) {
                    return d;
                }
            } catch (DateTimeParseException ignored) {
                // reported below
            }
        }
        throw problem(value, path, "invalid duration " + shown(s.text())
                + ": write a whole number with a unit ms, s, m, h or d (e.g. 500ms, 10s, 5m), or PT10S", context);
    }

    /** A lower-case SQL-safe identifier of at most 63 characters. */
    static String identifier(TreeValue value, String path, Context context) {
        String id = text(value, path, context);
        if (!IDENTIFIER.matcher(id).matches()) {
            throw problem(value, path, "invalid identifier " + shown(id)
                    + ": use a lower-case letter or '_', then a-z, 0-9 or '_', at most 63 characters", context);
        }
        return id;
    }

    /**
     * A name template: the placeholder with at most 15 characters {@code [a-z0-9_]} around it, so
     * that with a 48-character tenant id every rendered name is a valid identifier within 63 characters.
     */
    static String template(TreeValue value, String path, Context context) {
        String t = text(value, path, context);
        int at = t.indexOf(IsolationConfig.PLACEHOLDER);
        String rest = at < 0 ? t : t.substring(0, at) + t.substring(at + IsolationConfig.PLACEHOLDER.length());
        if (at < 0 || !TEMPLATE_PART.matcher(rest).matches()) {
            throw problem(value, path, "invalid name template " + shown(t) + ": write " + IsolationConfig.PLACEHOLDER
                    + " once, with at most 15 characters a-z, 0-9 or '_' around it (e.g. tenant_"
                    + IsolationConfig.PLACEHOLDER + "_)", context);
        }
        return t;
    }

    /** One of the given names. */
    static String oneOf(TreeValue value, String path, java.util.Set<String> names, Context context) {
        String t = text(value, path, context);
        if (!names.contains(t)) {
            throw problem(value, path, "unknown value " + shown(t) + ": use one of " + String.join(", ", names), context);
        }
        return t;
    }

    /**
     * A secret reference. The text is never shown: it may be a password written in clear by
     * mistake.
     */
    static Secret secret(TreeValue value, String path, Context context) {
        if (!(value instanceof TreeValue.Scalar) || ((TreeValue.Scalar) value).isNull()) {
            throw problem(value, path, "expected a secret reference ${env:NAME} or ${file:/path}, found "
                    + value.typeName(), context);
        }
        try {
            return Secret.parse(((TreeValue.Scalar) value).text(), context.env());
        } catch (ConfigException e) {
            throw problem(value, path, "a secret must be a reference ${env:NAME} or ${file:/path}: plain text is refused"
                    + " (value not shown); move the value to an environment variable or a file", context);
        }
    }

    /**
     * A node: {@code host}, {@code host:port}, {@code [ipv6]:port}, or a mapping {host, port, region,
     * zone, weight}. A missing port is the engine's default.
     */
    static NodeAddress address(TreeValue value, String path, Context context) {
        int defaultPort = ConfigSchema.defaultPort(context.engine());
        if (value instanceof TreeValue.Mapping) {
            TreeValue.Mapping m = (TreeValue.Mapping) value;
            TreeValue hostValue = m.get("host");
            if (hostValue == null) {
                throw problem(value, path, "host is required", context);
            }
            String host = host(hostValue, path + ".host", context);
            int port = m.get("port") == null ? defaultPort : (int) integer(m.get("port"), path + ".port", 1, 65535, context);
            String region = m.get("region") == null ? null : text(m.get("region"), path + ".region", context);
            String zone = m.get("zone") == null ? null : text(m.get("zone"), path + ".zone", context);
            int weight = m.get("weight") == null ? 1 : (int) integer(m.get("weight"), path + ".weight", 1, 1000, context);
            return new NodeAddress(host, port, region, zone, weight);
        }
        String t = text(value, path, context).trim();
        String host = t;
        String portText = null;
        if (t.startsWith("[")) {
            int close = t.indexOf(']');
            if (close < 0) {
                throw problem(value, path, "invalid address " + shown(t) + ": missing ']'", context);
            }
            host = t.substring(1, close);
            String rest = t.substring(close + 1);
            if (!rest.isEmpty()) {
                if (!rest.startsWith(":")) {
                    throw problem(value, path, "invalid address " + shown(t) + ": write [ipv6]:port", context);
                }
                portText = rest.substring(1);
            }
            if (!IPV6.matcher(host).matches()) {
                throw problem(value, path, "invalid IPv6 address " + shown(host), context);
            }
        } else {
            int colon = t.lastIndexOf(':');
            if (colon >= 0) {
                host = t.substring(0, colon);
                portText = t.substring(colon + 1);
            }
            checkHost(host, value, path, context);
        }
        int port = defaultPort;
        if (portText != null) {
            if (!portText.matches("\\d{1,9}")) {
                throw problem(value, path, "invalid port " + shown(portText) + " in " + shown(t) + ": write host:port", context);
            }
            port = Integer.parseInt(portText);
            if (port < 1 || port > 65535) {
                throw problem(value, path, "port must be 1..65535, was " + port, context);
            }
        }
        return new NodeAddress(host, port, null, null, 1);
    }

    /** A host name or IP address (no scheme, user, path or spaces). */
    static String host(TreeValue value, String path, Context context) {
        String h = text(value, path, context).trim();
        if (h.startsWith("[") && h.endsWith("]") && IPV6.matcher(h.substring(1, h.length() - 1)).matches()) {
            return h.substring(1, h.length() - 1);
        }
        if (h.contains(":") && IPV6.matcher(h).matches()) {
            return h;
        }
        checkHost(h, value, path, context);
        return h;
    }

    private static void checkHost(String host, TreeValue value, String path, Context context) {
        if (!HOST.matcher(host).matches()) {
            throw problem(value, path, "invalid host name " + shown(host)
                    + ": use a DNS name or IP address, without scheme, user, path or spaces", context);
        }
    }

    private static String describe(TreeValue.Scalar s) {
        return s.kind() == TreeValue.Kind.STRING ? "the string " + shown(s.text()) : s.typeName() + " " + shown(s.text());
    }

    private static String range(long min, long max) {
        if (max == Long.MAX_VALUE) {
            return ">= " + min;
        }
        return min + ".." + max;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
    }
}
