package io.tenantdb.clickhouse.internal;

import io.tenantdb.core.session.Row;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * One row decoded from {@code JSONEachRow}: integers as {@link Integer}/{@link Long}/{@link BigInteger},
 * other numbers as {@link BigDecimal} (exact for Decimal columns), strings as {@link String}
 * (also Date, DateTime, UUID and Enum columns), arrays as {@link List}. {@link #get(int, Class)}
 * converts to the usual Java types.
 */
final class ClickHouseRow implements Row {

    private final List<String> columns;
    private final Object[] values;

    ClickHouseRow(Map<String, Object> decoded) {
        this.columns = List.copyOf(decoded.keySet());
        this.values = decoded.values().toArray();
    }

    /**
     * @param columns the column names, immutable (rows of one result share them)
     * @param values  the values, one per column; owned by the row from now on
     */
    ClickHouseRow(List<String> columns, Object[] values) {
        if (columns.size() != values.length) {
            throw new IllegalArgumentException(values.length + " values for the columns " + columns);
        }
        this.columns = columns;
        this.values = values;
    }

    @Override
    public List<String> columnNames() {
        return columns;
    }

    @Override
    public Object get(int index) {
        if (index < 0 || index >= values.length) {
            throw new IndexOutOfBoundsException("column index " + index + " of " + values.length + " columns " + columns);
        }
        return values[index];
    }

    @Override
    public Object get(String column) {
        return values[indexOf(column)];
    }

    @Override
    public <T> T get(int index, Class<T> type) {
        return convert(get(index), type, columns.get(index));
    }

    @Override
    public <T> T get(String column, Class<T> type) {
        return convert(get(column), type, column);
    }

    @Override
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < values.length; i++) {
            map.put(columns.get(i), values[i]);
        }
        return Collections.unmodifiableMap(map);
    }

    @Override
    public String toString() {
        return "Row" + columns;
    }

    private int indexOf(String column) {
        int i = columns.indexOf(column);
        if (i < 0) {
            throw new IllegalArgumentException("no column '" + column + "' in " + columns);
        }
        return i;
    }

    @SuppressWarnings("unchecked")
    static <T> T convert(Object v, Class<T> type, String column) {
        if (v == null) {
            return null;
        }
        if (type.isInstance(v)) {
            return type.cast(v);
        }
        try {
            Object r;
            if (type == String.class) {
                r = v instanceof BigDecimal ? ((BigDecimal) v).toPlainString() : v.toString();
            } else if (type == Long.class || type == long.class) {
                r = v instanceof Number ? ((Number) v).longValue() : Long.parseLong(v.toString());
            } else if (type == Integer.class || type == int.class) {
                r = v instanceof Number ? ((Number) v).intValue() : Integer.parseInt(v.toString());
            } else if (type == Short.class || type == short.class) {
                r = v instanceof Number ? ((Number) v).shortValue() : Short.parseShort(v.toString());
            } else if (type == Double.class || type == double.class) {
                r = v instanceof Number ? ((Number) v).doubleValue() : Double.parseDouble(v.toString());
            } else if (type == Float.class || type == float.class) {
                r = v instanceof Number ? ((Number) v).floatValue() : Float.parseFloat(v.toString());
            } else if (type == BigDecimal.class) {
                r = new BigDecimal(v.toString());
            } else if (type == BigInteger.class) {
                r = new BigInteger(v.toString());
            } else if (type == Boolean.class || type == boolean.class) {
                r = v instanceof Number ? ((Number) v).intValue() != 0 : Boolean.parseBoolean(v.toString());
            } else if (type == LocalDate.class) {
                r = LocalDate.parse(v.toString());
            } else if (type == LocalDateTime.class) {
                r = LocalDateTime.parse(v.toString(), ClickHouseLiterals.DATE_TIME);
            } else if (type == Instant.class && v instanceof Number) {
                r = Instant.ofEpochSecond(((Number) v).longValue());
            } else if (type == UUID.class) {
                r = UUID.fromString(v.toString());
            } else {
                throw new IllegalArgumentException("no conversion");
            }
            return (T) r;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("column '" + column + "' holds a " + v.getClass().getSimpleName()
                    + " that cannot be read as " + type.getSimpleName()
                    + (type == Instant.class ? " (select toUnixTimestamp(column) to read an Instant)" : ""), e);
        }
    }
}
