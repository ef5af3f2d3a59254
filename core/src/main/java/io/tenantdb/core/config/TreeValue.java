package io.tenantdb.core.config;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The parsed, position-carrying configuration tree: mappings with string keys, sequences and
 * scalars. Immutable once built. Scalars keep the text as written and the YAML type it resolves to,
 * so typed getters can refuse a wrong type with the position of the value.
 */
sealed interface TreeValue permits TreeValue.Scalar, TreeValue.Sequence, TreeValue.Mapping {

    /** @return where the value starts */
    Origin origin();

    /** @return a short name of the YAML type for messages */
    String typeName();

    /** The YAML 1.1 type of a scalar, resolved as SafeConstructor would (quoted scalars are strings). */
    enum Kind {
        /** Text (quoted, or plain text that is no other type). */
        STRING,
        /** A plain integer. */
        INT,
        /** A plain floating-point number. */
        FLOAT,
        /** A plain boolean (true/false/yes/no/on/off). */
        BOOL,
        /** A plain null ({@code ~}, {@code null} or nothing). */
        NULL
    }

    /**
     * A scalar.
     *
     * @param text   the text as written (without quotes)
     * @param kind   the resolved type
     * @param origin where it starts
     */
    record Scalar(String text, Kind kind, Origin origin) implements TreeValue {
        @Override
        public String typeName() {
            switch (kind) {
                case INT: return "an integer";
                case FLOAT: return "a number";
                case BOOL: return "a boolean";
                case NULL: return "null";
                default: return "a string";
            }
        }

        /** @return whether this is a null */
        boolean isNull() {
            return kind == Kind.NULL;
        }
    }

    /**
     * A sequence: lists replace each other when layers merge.
     *
     * @param items  the items
     * @param origin where it starts
     */
    record Sequence(List<TreeValue> items, Origin origin) implements TreeValue {
        /** Copies the items. */
        public Sequence {
            items = List.copyOf(items);
        }

        @Override
        public String typeName() {
            return "a list";
        }
    }

    /**
     * One key of a mapping.
     *
     * @param keyOrigin where the key is written
     * @param value     its value
     */
    record Entry(Origin keyOrigin, TreeValue value) {
    }

    /**
     * A mapping with string keys, in file order: mappings merge deeply.
     *
     * @param entries the entries
     * @param origin  where it starts
     */
    record Mapping(Map<String, Entry> entries, Origin origin) implements TreeValue {
        /** Copies the entries, keeping their order. */
        public Mapping {
            entries = Collections.unmodifiableMap(new LinkedHashMap<>(entries));
        }

        @Override
        public String typeName() {
            return "a section (mapping)";
        }

        /** @param key a key @return its value, or {@code null} */
        TreeValue get(String key) {
            Entry e = entries.get(key);
            return e == null ? null : e.value();
        }

        /**
         * Merges {@code over} onto this mapping: mappings merge key by key, anything else (lists,
         * scalars) is replaced, and a null value removes the key.
         *
         * @param over the higher-precedence layer
         * @return the merged mapping
         */
        Mapping mergedWith(Mapping over) {
            Map<String, Entry> result = new LinkedHashMap<>(entries);
            for (Map.Entry<String, Entry> e : over.entries.entrySet()) {
                TreeValue value = e.getValue().value();
                if (value instanceof Scalar && ((Scalar) value).isNull()) {
                    result.remove(e.getKey());
                    continue;
                }
                Entry below = result.get(e.getKey());
                if (value instanceof Mapping) {
                    Mapping base = below != null && below.value() instanceof Mapping
                            ? (Mapping) below.value() : new Mapping(Map.of(), value.origin());
                    value = base.mergedWith((Mapping) value);
                }
                result.put(e.getKey(), new Entry(e.getValue().keyOrigin(), value));
            }
            return new Mapping(result, origin);
        }
    }
}
