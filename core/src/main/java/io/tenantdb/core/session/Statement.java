package io.tenantdb.core.session;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A SQL statement with its bind values, immutable.
 *
 * <p>Positional parameters are written {@code $1}, {@code $2}, ...; named parameters {@code :name}.
 * Values are always sent (or, where the server has no parameters, escaped) by the engine, never
 * concatenated by the caller. {@code null} binds need their type: {@link #bindNull(int, Class)}.
 *
 * <p>The optional {@link #name() name} labels the statement in metrics, slow-query logs and audit;
 * it must be low-cardinality and must not contain values.
 */
public final class Statement {

    /** A typed null bind value. @param type the Java type of the column */
    public record Null(Class<?> type) {
        /** Checks the type. */
        public Null {
            Objects.requireNonNull(type, "type");
        }
    }

    private final String sql;
    private final List<Object> positional;
    private final Map<String, Object> named;
    private final String name;

    private Statement(String sql, List<Object> positional, Map<String, Object> named, String name) {
        this.sql = sql;
        this.positional = positional;
        this.named = named;
        this.name = name;
    }

    /**
     * @param sql the SQL text with {@code $n} or {@code :name} placeholders
     * @return a statement without binds
     */
    public static Statement of(String sql) {
        if (sql == null || sql.isBlank()) {
            throw new IllegalArgumentException("sql must not be blank");
        }
        return new Statement(sql, List.of(), Map.of(), null);
    }

    /**
     * @param sql   the SQL text
     * @param binds values for {@code $1}, {@code $2}, ... in order; {@code null} is refused, use
     *              {@link Null}
     * @return the statement
     */
    public static Statement of(String sql, Object... binds) {
        Statement s = of(sql);
        if (binds.length == 0) {
            return s;
        }
        for (int i = 0; i < binds.length; i++) {
            if (binds[i] == null) {
                throw new IllegalArgumentException("bind value for $" + (i + 1) + " is null: use new Statement.Null(type)");
            }
        }
        // one copy of the values (not a statement and a list per value)
        return new Statement(sql, List.of(binds), Map.of(), null);
    }

    /**
     * @param index zero-based index ({@code $1} is 0)
     * @param value the value; {@code null} is refused, use {@link #bindNull(int, Class)}
     * @return a new statement with the bind
     */
    public Statement bind(int index, Object value) {
        if (index < 0) {
            throw new IllegalArgumentException("index must be >= 0");
        }
        if (value == null) {
            throw new IllegalArgumentException("bind value for $" + (index + 1) + " is null: use bindNull(index, type)");
        }
        List<Object> p = new ArrayList<>(positional);
        while (p.size() <= index) {
            p.add(null);
        }
        p.set(index, value);
        return new Statement(sql, Collections.unmodifiableList(p), named, name);
    }

    /**
     * @param index zero-based index
     * @param type  the column's Java type
     * @return a new statement with a typed null
     */
    public Statement bindNull(int index, Class<?> type) {
        return bind(index, new Null(type));
    }

    /**
     * @param name  the parameter name, without the colon
     * @param value the value; {@code null} is refused, use {@link Null}
     * @return a new statement with the bind
     */
    public Statement bind(String name, Object value) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("parameter name must not be empty");
        }
        if (value == null) {
            throw new IllegalArgumentException("bind value for :" + name + " is null: use new Statement.Null(type)");
        }
        Map<String, Object> n = new LinkedHashMap<>(named);
        n.put(name, value);
        return new Statement(sql, positional, Collections.unmodifiableMap(n), this.name);
    }

    /**
     * @param statementName a low-cardinality label for metrics and logs
     * @return a new statement with the name
     */
    public Statement named(String statementName) {
        return new Statement(sql, positional, named, statementName);
    }

    /** @return the SQL text */
    public String sql() {
        return sql;
    }

    /** @return positional values in order ({@link Null} for typed nulls) */
    public List<Object> positionalBinds() {
        for (int i = 0; i < positional.size(); i++) {
            if (positional.get(i) == null) {
                throw new IllegalStateException("no value bound for $" + (i + 1));
            }
        }
        return positional;
    }

    /** @return named values */
    public Map<String, Object> namedBinds() {
        return named;
    }

    /** @return the label, or {@code null} */
    public String name() {
        return name;
    }

    /** @return the label, or the given default when none was set */
    public String nameOr(String fallback) {
        return name == null ? fallback : name;
    }

    /** Shows the SQL and the number of binds, never their values. */
    @Override
    public String toString() {
        return "Statement{" + (name == null ? "" : "name=" + name + ", ") + "sql=" + sql + ", binds="
                + (positional.size() + named.size()) + "}";
    }
}
