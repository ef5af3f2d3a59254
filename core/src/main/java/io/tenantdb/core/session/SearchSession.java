package io.tenantdb.core.session;

import com.fasterxml.jackson.databind.node.ObjectNode;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Tenant-scoped search: Elasticsearch and OpenSearch. Index names are logical: the engine maps them
 * to the tenant's index or to a filtered alias, and never uses wildcard index patterns.
 *
 * @apiNote nothing happens until subscription.
 */
public interface SearchSession extends Session {

    /**
     * @param index    the logical index
     * @param id       the document id
     * @param document the document
     * @return completes when indexed
     */
    Mono<Void> index(String index, String id, ObjectNode document);

    /**
     * Indexes documents with {@code _bulk} requests, batched as they arrive.
     *
     * @param index     the logical index
     * @param documents id and document pairs
     * @return the number indexed
     */
    Mono<Long> bulk(String index, Flux<SearchHit> documents);

    /** @param index the logical index @param id the id @return the document, or empty */
    Mono<ObjectNode> get(String index, String id);

    /** @param index the logical index @param id the id @return whether it existed */
    Mono<Boolean> delete(String index, String id);

    /**
     * Searches and streams every hit, paging with {@code search_after} as the subscriber asks.
     *
     * @param index the logical index
     * @param query the Query DSL {@code query} object (the engine adds the tenant filter)
     * @return the hits
     */
    Flux<SearchHit> search(String index, ObjectNode query);

    /** @param index the logical index @param query the query @return how many documents match */
    Mono<Long> count(String index, ObjectNode query);

    /** @param index the logical index @return completes when recent writes are searchable */
    Mono<Void> refresh(String index);
}
