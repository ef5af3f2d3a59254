package io.tenantdb.elasticsearch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tenantdb.core.session.SearchHit;
import io.tenantdb.core.session.SearchSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * {@link SearchSession} with the Elasticsearch / OpenSearch extras: partial updates, delete-by-query, sorted
 * streaming, index creation with mappings and settings, and aliases. Get it with
 * {@code db.session(DatabaseType.ELASTICSEARCH, ElasticsearchSession.class)}.
 *
 * <p>Every index and alias name here is logical: tenantdb maps it to the tenant's own index (index per tenant)
 * or to the tenant's filtered alias on a shared index (shared strategy), and refuses names with wildcards,
 * commas or anything but {@code [a-z0-9_]} (lower-case letter first). Queries are checked: lookups into other
 * indices, {@code _index} references, {@code more_like_this}, {@code percolate}, {@code wrapper} and scripts are
 * refused with {@link io.tenantdb.core.exception.IsolationViolationException}; documents may not set
 * {@code tenant_id}.
 *
 * @apiNote nothing happens until subscription.
 */
public interface ElasticsearchSession extends SearchSession {

    /**
     * Applies a partial document ({@code _update} with {@code doc}).
     *
     * @param index   the logical index
     * @param id      the document id
     * @param partial the fields to change
     * @return whether the document existed
     */
    Mono<Boolean> update(String index, String id, ObjectNode partial);

    /**
     * Streams every hit in the given order, paging with {@code search_after} (inside a point in time where the
     * server has one) as the subscriber asks; cancelling closes the point in time.
     *
     * @param index   the logical index
     * @param query   the Query DSL {@code query} object ({@code null}: match all)
     * @param options page size and sort
     * @return the hits
     */
    Flux<SearchHit> search(String index, ObjectNode query, SearchOptions options);

    /**
     * Deletes the tenant's documents that match, including those written just before (the index is refreshed
     * first).
     *
     * @param index the logical index
     * @param query the query ({@code null}: all of the tenant's documents)
     * @return how many were deleted (refreshed when done)
     */
    Mono<Long> deleteByQuery(String index, ObjectNode query);

    /**
     * Creates the tenant's index, or — under the shared strategy — the shared index (when absent) and the
     * tenant's filtered alias on it. Idempotent: when it exists, the mappings are added to it (settings of an
     * existing index are left alone).
     *
     * @param index    the logical index
     * @param mappings the {@code mappings} object (e.g. {@code {"properties":{...}}}), or {@code null}
     * @param settings the {@code settings} object (only for a new index), or {@code null}
     * @return completes when created
     */
    Mono<Void> createIndex(String index, ObjectNode mappings, ObjectNode settings);

    /**
     * Removes the tenant's index (shared strategy: the tenant's documents and alias; the shared index stays).
     *
     * @param index the logical index
     * @return whether it existed
     */
    Mono<Boolean> deleteIndex(String index);

    /**
     * Adds a tenant-scoped alias: afterwards {@code alias} can be used as a logical index name for the tenant and
     * reaches {@code index} (under the shared strategy, still filtered to the tenant).
     *
     * @param index the logical index
     * @param alias the logical alias
     * @return completes when added (idempotent)
     */
    Mono<Void> addAlias(String index, String alias);

    /**
     * @param index the logical index
     * @param alias the logical alias
     * @return whether the alias existed
     */
    Mono<Boolean> removeAlias(String index, String alias);
}
