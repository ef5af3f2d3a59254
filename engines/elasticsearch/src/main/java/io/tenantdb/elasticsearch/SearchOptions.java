package io.tenantdb.elasticsearch;

import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * How {@link ElasticsearchSession#search(String, com.fasterxml.jackson.databind.node.ObjectNode, SearchOptions)}
 * pages through results.
 *
 * @param pageSize hits fetched per request, 1..10000; the stream asks for the next page only as the subscriber
 *                 consumes (at most one page ahead)
 * @param sort     the Query DSL {@code sort} array, or {@code null} for index order; tenantdb appends a unique
 *                 tie-breaker so {@code search_after} never skips or repeats a hit
 */
public record SearchOptions(int pageSize, ArrayNode sort) {

    /** Default page size. */
    public static final int DEFAULT_PAGE_SIZE = 500;
    /** Index order, {@link #DEFAULT_PAGE_SIZE} hits per request. */
    public static final SearchOptions DEFAULT = new SearchOptions(DEFAULT_PAGE_SIZE, null);

    /** Checks the page size. */
    public SearchOptions {
        if (pageSize < 1 || pageSize > 10_000) {
            throw new IllegalArgumentException("pageSize must be 1..10000, was " + pageSize);
        }
    }

    /** @param sort the sort array @return options with that sort and the default page size */
    public static SearchOptions sorted(ArrayNode sort) {
        return new SearchOptions(DEFAULT_PAGE_SIZE, sort);
    }
}
