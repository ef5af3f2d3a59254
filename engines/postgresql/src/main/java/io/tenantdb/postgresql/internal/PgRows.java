package io.tenantdb.postgresql.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.r2dbc.spi.ColumnMetadata;
import io.r2dbc.spi.RowMetadata;
import io.tenantdb.core.session.Row;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** The two {@link Row} implementations: a detached snapshot and a live adapter. */
final class PgRows {

    private PgRows() {
    }

    /** Column names and their positions, shared by every row of one result (and by results of the same SQL). */
    static final class Columns {
        private final List<String> names;
        /** Built on the first lookup by name. */
        private volatile Map<String, Integer> index;

        private Columns(List<String> names) {
            this.names = Collections.unmodifiableList(names);
        }

        static Columns of(RowMetadata metadata) {
            List<String> names = new ArrayList<>();
            for (ColumnMetadata c : metadata.getColumnMetadatas()) {
                names.add(c.getName());
            }
            return new Columns(names);
        }

        int indexOf(String column) {
            Map<String, Integer> idx = index;
            if (idx == null) {
                idx = new HashMap<>();
                for (int i = names.size() - 1; i >= 0; i--) {
                    idx.put(names.get(i), i); // the first column of a name wins
                }
                index = idx;
            }
            Integer i = idx.get(column);
            if (i == null) {
                throw new IllegalArgumentException("no column '" + column + "' in this row; columns are " + names);
            }
            return i;
        }

        boolean sameAs(RowMetadata metadata) {
            List<? extends ColumnMetadata> cols = metadata.getColumnMetadatas();
            if (cols.size() != names.size()) {
                return false;
            }
            for (int i = 0; i < cols.size(); i++) {
                if (!cols.get(i).getName().equals(names.get(i))) {
                    return false;
                }
            }
            return true;
        }
    }

    /** The column layout last seen per SQL text, so a repeated statement does not rebuild it. Bounded. */
    private static final int LAYOUT_LIMIT = 4096;
    private static final Map<String, Columns> LAYOUTS = new ConcurrentHashMap<>();

    /** Caches the column layout of one result stream so rows do not rebuild it. */
    static final class Snapshotter {
        private final String sql;
        private Columns columns;

        /** @param sql the statement's SQL, whose last layout is reused when it still matches */
        Snapshotter(String sql) {
            this.sql = sql;
            this.columns = LAYOUTS.get(sql);
        }

        Row snapshot(io.r2dbc.spi.Row row, RowMetadata metadata) {
            Columns c = columns;
            if (c == null || !c.sameAs(metadata)) {
                c = Columns.of(metadata);
                columns = c;
                if (LAYOUTS.size() >= LAYOUT_LIMIT) {
                    LAYOUTS.clear();
                }
                LAYOUTS.put(sql, c);
            }
            Object[] values = new Object[c.names.size()];
            for (int i = 0; i < values.length; i++) {
                values[i] = PgValues.fromDriver(row.get(i));
            }
            return new Detached(c, values);
        }
    }

    /** A row copied out of the driver: safe to keep after the connection is gone. */
    static final class Detached implements Row {
        private final Columns columns;
        private final Object[] values;

        Detached(Columns columns, Object[] values) {
            this.columns = columns;
            this.values = values;
        }

        @Override
        public List<String> columnNames() {
            return columns.names;
        }

        @Override
        public Object get(int index) {
            return values[checkIndex(index, values.length)];
        }

        @Override
        public Object get(String column) {
            return values[columns.indexOf(column)];
        }

        @Override
        public <T> T get(int index, Class<T> type) {
            return PgValues.convert(get(index), type, columns.names.get(index));
        }

        @Override
        public <T> T get(String column, Class<T> type) {
            return PgValues.convert(get(column), type, column);
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            for (int i = 0; i < values.length; i++) {
                map.putIfAbsent(columns.names.get(i), values[i]);
            }
            return Collections.unmodifiableMap(map);
        }

        @Override
        public String toString() {
            return "Row" + columns.names;
        }
    }

    /** The driver's row, valid only inside the mapper call. */
    static final class Live implements Row {
        private final io.r2dbc.spi.Row row;
        private final RowMetadata metadata;
        private List<String> names;

        Live(io.r2dbc.spi.Row row, RowMetadata metadata) {
            this.row = row;
            this.metadata = metadata;
        }

        @Override
        public List<String> columnNames() {
            if (names == null) {
                names = Columns.of(metadata).names;
            }
            return names;
        }

        @Override
        public Object get(int index) {
            return PgValues.fromDriver(row.get(index));
        }

        @Override
        public Object get(String column) {
            checkColumn(column);
            return PgValues.fromDriver(row.get(column));
        }

        @Override
        public <T> T get(int index, Class<T> type) {
            return typed(row.get(index, driverType(type)), type, String.valueOf(index));
        }

        @Override
        public <T> T get(String column, Class<T> type) {
            checkColumn(column);
            return typed(row.get(column, driverType(type)), type, column);
        }

        private void checkColumn(String column) {
            if (!metadata.contains(column)) {
                throw new IllegalArgumentException("no column '" + column + "' in this row; columns are " + columnNames());
            }
        }

        private static Class<?> driverType(Class<?> type) {
            Class<?> boxed = PgValues.box(type);
            return JsonNode.class.isAssignableFrom(boxed) ? String.class : boxed;
        }

        @SuppressWarnings("unchecked")
        private static <T> T typed(Object value, Class<T> type, String column) {
            if (value == null) {
                return null;
            }
            if (JsonNode.class.isAssignableFrom(type)) {
                return PgValues.convert(PgValues.readJson((String) value), type, column);
            }
            return (T) value;
        }

        @Override
        public Map<String, Object> toMap() {
            Map<String, Object> map = new LinkedHashMap<>();
            List<String> cols = columnNames();
            for (int i = 0; i < cols.size(); i++) {
                map.putIfAbsent(cols.get(i), get(i));
            }
            return Collections.unmodifiableMap(map);
        }
    }

    private static int checkIndex(int index, int size) {
        if (index < 0 || index >= size) {
            throw new IllegalArgumentException("column index " + index + " is out of range 0.." + (size - 1));
        }
        return index;
    }
}
