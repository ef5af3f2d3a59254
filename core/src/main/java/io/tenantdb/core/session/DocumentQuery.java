package io.tenantdb.core.session;

import java.util.Map;
import java.util.Objects;

/**
 * A document query: filter, sort, projection, skip and limit, in the engine's document notation
 * (MongoDB's query language).
 *
 * @param filter     the filter; empty matches every document of the tenant
 * @param sort       field to 1 (ascending) or -1 (descending), in order; may be empty
 * @param projection fields to include (1) or exclude (0); may be empty
 * @param skip       documents to skip, &gt;= 0
 * @param limit      at most this many documents, 0 for no limit
 */
public record DocumentQuery(Map<String, Object> filter, Map<String, Object> sort, Map<String, Object> projection,
                            int skip, int limit) {

    /** Checks the values. */
    public DocumentQuery {
        Objects.requireNonNull(filter, "filter");
        Objects.requireNonNull(sort, "sort");
        Objects.requireNonNull(projection, "projection");
        if (skip < 0) {
            throw new IllegalArgumentException("skip must be >= 0");
        }
        if (limit < 0) {
            throw new IllegalArgumentException("limit must be >= 0");
        }
    }

    /**
     * @param filter the filter
     * @return a query with only a filter
     */
    public static DocumentQuery filter(Map<String, Object> filter) {
        return new DocumentQuery(filter, Map.of(), Map.of(), 0, 0);
    }

    /** @param s the sort @return a copy with the sort */
    public DocumentQuery sort(Map<String, Object> s) {
        return new DocumentQuery(filter, s, projection, skip, limit);
    }

    /** @param p the projection @return a copy with the projection */
    public DocumentQuery projection(Map<String, Object> p) {
        return new DocumentQuery(filter, sort, p, skip, limit);
    }

    /** @param n documents to skip @return a copy with skip */
    public DocumentQuery skip(int n) {
        return new DocumentQuery(filter, sort, projection, n, limit);
    }

    /** @param n the limit @return a copy with the limit */
    public DocumentQuery limit(int n) {
        return new DocumentQuery(filter, sort, projection, skip, n);
    }
}
