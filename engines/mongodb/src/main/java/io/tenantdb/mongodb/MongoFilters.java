package io.tenantdb.mongodb;

import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Safe filters for values that come from outside (request parameters, JSON bodies). A value where a
 * plain value is expected must not smuggle in a query operator: {@code {"password": {"$ne": ""}}}
 * would match every document. These builders refuse any value that is (or contains) a document with
 * a {@code $} key, and always compare with {@code $eq}, so a value can only ever be compared, never
 * interpreted.
 *
 * <pre>{@code
 * session.findOne("users", MongoFilters.eq("email", request.get("email")))
 * }</pre>
 */
public final class MongoFilters {

    private MongoFilters() {
    }

    /**
     * @param field the field (a trusted constant, not user input)
     * @param value a plain value: string, number, boolean, date, id, or list/document of those
     * @return {@code {field: {$eq: value}}}
     * @throws IllegalArgumentException when the field is not a plain field path or the value holds an operator
     */
    public static Map<String, Object> eq(String field, Object value) {
        checkField(field);
        checkPlain(field, value);
        Map<String, Object> filter = new LinkedHashMap<>();
        filter.put(field, new Document("$eq", value));
        return filter;
    }

    /**
     * @param field  the field (a trusted constant)
     * @param values plain values
     * @return {@code {field: {$in: [values]}}}
     * @throws IllegalArgumentException when a value holds an operator
     */
    public static Map<String, Object> in(String field, Collection<?> values) {
        checkField(field);
        List<Object> copy = new ArrayList<>(values.size());
        for (Object v : values) {
            checkPlain(field, v);
            copy.add(v);
        }
        Map<String, Object> filter = new LinkedHashMap<>();
        filter.put(field, new Document("$in", copy));
        return filter;
    }

    /**
     * @param filters filters, e.g. from {@link #eq}
     * @return {@code {$and: [filters]}}
     */
    public static Map<String, Object> and(Map<?, ?>... filters) {
        Map<String, Object> filter = new LinkedHashMap<>();
        filter.put("$and", List.of(filters));
        return filter;
    }

    private static void checkField(String field) {
        if (field == null || field.isEmpty() || field.startsWith("$") || field.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("filter field must be a plain field path (not empty, no leading '$',"
                    + " no NUL), was '" + field + "'");
        }
    }

    /**
     * Refuses a value holding a document with a {@code $} key (an operator where a plain value is expected).
     *
     * @param what  what the value is for, in the message
     * @param value the value
     * @throws IllegalArgumentException when it holds an operator
     */
    public static void checkPlain(String what, Object value) {
        if (value instanceof Bson && !(value instanceof Map)) {
            throw new IllegalArgumentException("value for '" + what + "' must be a plain value, not a filter expression: "
                    + "pass the value itself");
        }
        if (value instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                String key = String.valueOf(e.getKey());
                if (key.startsWith("$")) {
                    throw new IllegalArgumentException("value for '" + what + "' holds the operator '" + key
                            + "' where a plain value is expected: refused (possible query injection); pass a plain value");
                }
                checkPlain(what, e.getValue());
            }
        } else if (value instanceof Collection) {
            for (Object v : (Collection<?>) value) {
                checkPlain(what, v);
            }
        }
    }
}
