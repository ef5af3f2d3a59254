package io.tenantdb.core.session;

import java.util.List;
import java.util.Map;

/**
 * One row of a SQL result. Column names are as the server reports them (PostgreSQL lower-cases
 * unquoted names).
 */
public interface Row {

    /** @return the column names, in order */
    List<String> columnNames();

    /**
     * @param index zero-based column index
     * @return the value as the engine decodes it by default, or {@code null}
     */
    Object get(int index);

    /**
     * @param column the column name
     * @return the value, or {@code null}
     * @throws IllegalArgumentException when there is no such column
     */
    Object get(String column);

    /**
     * @param index zero-based column index
     * @param type  the Java type wanted
     * @param <T>   the type
     * @return the value converted to {@code type}, or {@code null}
     */
    <T> T get(int index, Class<T> type);

    /**
     * @param column the column name
     * @param type   the Java type wanted
     * @param <T>    the type
     * @return the value converted to {@code type}, or {@code null}
     */
    <T> T get(String column, Class<T> type);

    /** @return the row as an ordered, unmodifiable map from column name to value */
    Map<String, Object> toMap();
}
