package io.tenantdb.postgresql.internal;

import io.tenantdb.core.OperationKind;
import io.tenantdb.core.session.Statement;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Renders a {@link Statement} for PostgreSQL: {@code :name} parameters become {@code $n} and the
 * {@code {schema}} placeholder becomes the tenant's quoted schema. String literals, quoted
 * identifiers, comments, dollar-quoted bodies and {@code ::} casts are left untouched.
 */
public final class SqlTemplate {

    /** The placeholder replaced by the tenant's quoted schema. */
    public static final String SCHEMA_PLACEHOLDER = "{schema}";

    private SqlTemplate() {
    }

    /**
     * The result of rendering.
     *
     * @param sql            the SQL to send
     * @param binds          the values for {@code $1..$n}, in order
     * @param usesSchema     whether {@code {schema}} occurred (outside literals and comments)
     * @param changesSession whether running it may change session state (a tenant binding)
     */
    public record Rendered(String sql, List<Object> binds, boolean usesSchema, boolean changesSession) {
    }

    /** Parsed templates by SQL text: statements repeat, so each is scanned once. Bounded: cleared when full. */
    private static final int CACHE_LIMIT = 4096;
    private static final Map<String, Parsed> CACHE = new ConcurrentHashMap<>();

    /**
     * A statement's SQL scanned once: its text split around {@code {schema}} placeholders and
     * {@code :name} parameters, with what the engine asks of it on every call.
     */
    static final class Parsed {
        /** Literal text ({@link String}), {@link #SCHEMA} or a parameter name ({@link Named}). */
        private final List<Object> parts;
        private final List<String> namedOrder;
        private final int highestPositional;
        private final boolean usesSchema;
        private final OperationKind kind;
        private final boolean mayChangeSession;
        /** The rendered SQL per quoted schema, for statements without named parameters. */
        private final Map<String, String> bySchema = new ConcurrentHashMap<>();

        private Parsed(String sql, List<Object> parts, List<String> namedOrder, int highestPositional, boolean usesSchema) {
            this.parts = parts;
            this.namedOrder = namedOrder;
            this.highestPositional = highestPositional;
            this.usesSchema = usesSchema;
            this.kind = PostgresEngine.kindOf(sql);
            this.mayChangeSession = changesSession(sql);
        }

        /** @return whether the statement is a read (decides routing and retries) */
        OperationKind kind() {
            return kind;
        }

        /**
         * @return whether running it may change session state the engine tracks on a pooled
         *     connection (its tenant binding): {@code set_config}, {@code SET}, {@code RESET},
         *     {@code DISCARD}, transaction control, {@code DO}, {@code CALL}, {@code LOAD}
         */
        boolean mayChangeSession() {
            return mayChangeSession;
        }
    }

    private record Named(String name) {
    }

    private static final Object SCHEMA = new Object();

    /**
     * @param sql the SQL text
     * @return its parsed form, from the cache when it was seen before
     */
    static Parsed parsed(String sql) {
        Parsed p = CACHE.get(sql);
        if (p == null) {
            p = parse(sql);
            if (CACHE.size() >= CACHE_LIMIT) {
                CACHE.clear();
            }
            CACHE.put(sql, p);
        }
        return p;
    }

    /**
     * @param statement    the statement
     * @param quotedSchema what replaces {@code {schema}} (already quoted), or {@code null} to leave
     *                     the placeholder (then its presence is only detected)
     * @return the rendered SQL and binds
     * @throws IllegalArgumentException when a named parameter has no value, a value names no
     *     parameter, or positional and named values collide
     */
    public static Rendered render(Statement statement, String quotedSchema) {
        return render(statement, parsed(statement.sql()), quotedSchema);
    }

    static Rendered render(Statement statement, Parsed p, String quotedSchema) {
        String sql = statement.sql();
        List<Object> positional = statement.positionalBinds();
        Map<String, Object> named = statement.namedBinds();
        if (p.namedOrder.isEmpty()) {
            if (!named.isEmpty()) {
                throw extraNamed(named.keySet().iterator().next());
            }
            if (!p.usesSchema || quotedSchema == null) {
                return new Rendered(sql, positional, p.usesSchema, p.mayChangeSession);
            }
            String out = p.bySchema.get(quotedSchema);
            if (out == null) {
                out = join(p, quotedSchema, 0);
                if (p.bySchema.size() >= CACHE_LIMIT) {
                    p.bySchema.clear();
                }
                p.bySchema.put(quotedSchema, out);
            }
            return new Rendered(out, positional, true, p.mayChangeSession);
        }
        for (String name : p.namedOrder) {
            if (!named.containsKey(name)) {
                throw new IllegalArgumentException("no value bound for :" + name
                        + ": call statement.bind(\"" + name + "\", value)");
            }
        }
        for (String name : named.keySet()) {
            if (!p.namedOrder.contains(name)) {
                throw extraNamed(name);
            }
        }
        int maxPositional = Math.max(positional.size(), p.highestPositional);
        if (positional.size() < maxPositional) {
            throw new IllegalArgumentException("the SQL uses $" + maxPositional + " but only " + positional.size()
                    + " positional values are bound");
        }
        List<Object> binds = new ArrayList<>(positional);
        for (String name : p.namedOrder) {
            binds.add(named.get(name));
        }
        return new Rendered(join(p, quotedSchema, maxPositional), binds, p.usesSchema, p.mayChangeSession);
    }

    private static IllegalArgumentException extraNamed(String name) {
        return new IllegalArgumentException("a value is bound for :" + name + " but the SQL has no such parameter");
    }

    private static String join(Parsed p, String quotedSchema, int maxPositional) {
        StringBuilder out = new StringBuilder(64);
        for (Object part : p.parts) {
            if (part == SCHEMA) {
                out.append(quotedSchema == null ? SCHEMA_PLACEHOLDER : quotedSchema);
            } else if (part instanceof Named) {
                out.append('$').append(maxPositional + p.namedOrder.indexOf(((Named) part).name()) + 1);
            } else {
                out.append((String) part);
            }
        }
        return out.toString();
    }

    private static Parsed parse(String sql) {
        List<Object> parts = new ArrayList<>();
        List<String> namedOrder = new ArrayList<>();
        StringBuilder text = new StringBuilder(sql.length());
        boolean usesSchema = false;
        int n = sql.length();
        int i = 0;
        while (i < n) {
            char c = sql.charAt(i);
            if (c == '\'') {
                boolean escapes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
                        && (i < 2 || !isIdentChar(sql.charAt(i - 2)));
                int end = skipQuoted(sql, i, '\'', escapes);
                text.append(sql, i, end);
                i = end;
            } else if (c == '"') {
                int end = skipQuoted(sql, i, '"', false);
                text.append(sql, i, end);
                i = end;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                end = end < 0 ? n : end;
                text.append(sql, i, end);
                i = end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = skipBlockComment(sql, i);
                text.append(sql, i, end);
                i = end;
            } else if (c == '$' && (i == 0 || !isIdentChar(sql.charAt(i - 1)))) {
                int tagEnd = dollarTagEnd(sql, i);
                if (tagEnd > 0) {
                    String tag = sql.substring(i, tagEnd);
                    int close = sql.indexOf(tag, tagEnd);
                    int end = close < 0 ? n : close + tag.length();
                    text.append(sql, i, end);
                    i = end;
                } else {
                    text.append(c);
                    i++;
                }
            } else if (c == ':' && i + 1 < n && sql.charAt(i + 1) == ':') {
                text.append("::");
                i += 2;
            } else if (c == ':' && i + 1 < n && isIdentStart(sql.charAt(i + 1))
                    && (i == 0 || sql.charAt(i - 1) != ':')) {
                int end = i + 1;
                while (end < n && isIdentChar(sql.charAt(end))) {
                    end++;
                }
                String name = sql.substring(i + 1, end);
                if (!namedOrder.contains(name)) {
                    namedOrder.add(name);
                }
                flush(parts, text);
                parts.add(new Named(name));
                i = end;
            } else if (c == '{' && sql.startsWith(SCHEMA_PLACEHOLDER, i)) {
                usesSchema = true;
                flush(parts, text);
                parts.add(SCHEMA);
                i += SCHEMA_PLACEHOLDER.length();
            } else {
                text.append(c);
                i++;
            }
        }
        flush(parts, text);
        return new Parsed(sql, List.copyOf(parts), List.copyOf(namedOrder), highestPositional(sql), usesSchema);
    }

    private static void flush(List<Object> parts, StringBuilder text) {
        if (text.length() > 0) {
            parts.add(text.toString());
            text.setLength(0);
        }
    }

    /** Statement words after which the tracked session state of a connection is no longer known. */
    private static final java.util.Set<String> SESSION_WORDS = java.util.Set.of("set", "reset", "discard", "do", "call",
            "load", "begin", "start", "commit", "end", "rollback", "abort", "savepoint", "release", "prepare");

    /** Conservative: may over-report (e.g. a word inside a literal), never under-reports our own SQL forms. */
    static boolean changesSession(String sql) {
        String lower = sql.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("set_config")) {
            return true;
        }
        for (String piece : lower.split(";")) {
            int i = 0;
            int n = piece.length();
            while (i < n && (Character.isWhitespace(piece.charAt(i)) || piece.charAt(i) == '(')) {
                i++;
            }
            int end = i;
            while (end < n && Character.isLetter(piece.charAt(end))) {
                end++;
            }
            if (SESSION_WORDS.contains(piece.substring(i, end))) {
                return true;
            }
        }
        return false;
    }

    private static int highestPositional(String sql) {
        int max = 0;
        int n = sql.length();
        for (int i = 0; i < n; i++) {
            char c = sql.charAt(i);
            if (c == '\'' || c == '"') {
                i = skipQuoted(sql, i, c, false) - 1;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                i = skipBlockComment(sql, i) - 1;
            } else if (c == '$' && i + 1 < n && Character.isDigit(sql.charAt(i + 1))) {
                int end = i + 1;
                while (end < n && Character.isDigit(sql.charAt(end))) {
                    end++;
                }
                max = Math.max(max, Integer.parseInt(sql.substring(i + 1, Math.min(end, i + 10))));
                i = end - 1;
            } else if (c == '$') {
                int tagEnd = dollarTagEnd(sql, i);
                if (tagEnd > 0) {
                    String tag = sql.substring(i, tagEnd);
                    int close = sql.indexOf(tag, tagEnd);
                    i = close < 0 ? n : close + tag.length() - 1;
                }
            }
        }
        return max;
    }

    /** @return the index after the closing quote (doubled quotes are escapes) */
    private static int skipQuoted(String sql, int start, char quote, boolean backslashEscapes) {
        int n = sql.length();
        int i = start + 1;
        while (i < n) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
                continue;
            }
            if (c == quote) {
                if (i + 1 < n && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i + 1;
            }
            i++;
        }
        return n;
    }

    private static int skipBlockComment(String sql, int start) {
        int depth = 0;
        int n = sql.length();
        int i = start;
        while (i < n) {
            if (sql.startsWith("/*", i)) {
                depth++;
                i += 2;
            } else if (sql.startsWith("*/", i)) {
                depth--;
                i += 2;
                if (depth == 0) {
                    return i;
                }
            } else {
                i++;
            }
        }
        return n;
    }

    /** @return the index after a dollar-quote opening tag ($$ or $tag$) at {@code i}, or -1 */
    private static int dollarTagEnd(String sql, int i) {
        int n = sql.length();
        int j = i + 1;
        if (j < n && sql.charAt(j) == '$') {
            return j + 1;
        }
        if (j < n && isIdentStart(sql.charAt(j))) {
            while (j < n && isIdentChar(sql.charAt(j)) && sql.charAt(j) != '$') {
                j++;
            }
            if (j < n && sql.charAt(j) == '$') {
                return j + 1;
            }
        }
        return -1;
    }

    private static boolean isIdentStart(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    }

    private static boolean isIdentChar(char c) {
        return isIdentStart(c) || (c >= '0' && c <= '9');
    }
}
