package io.tenantdb.core.session;

import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Tenant-scoped documents: MongoDB. Documents are maps (a BSON {@code Document} is one). Collection
 * names are logical: the engine maps them to the tenant's database, prefixed collection or shared
 * collection with a tenant field, and strips the tenant field from what it returns.
 *
 * @apiNote nothing happens until subscription.
 */
public interface DocumentSession extends Session {

    /**
     * @param collection the logical collection
     * @param document   the document; an {@code _id} is generated when absent
     * @return the document's {@code _id}
     */
    Mono<Object> insert(String collection, Map<String, Object> document);

    /**
     * @param collection the logical collection
     * @param documents  the documents, written in batches as they arrive
     * @return the number inserted
     */
    Mono<Long> insertMany(String collection, Publisher<? extends Map<String, Object>> documents);

    /**
     * @param collection the logical collection
     * @param query      filter, sort, projection, skip, limit
     * @return the matching documents, streamed with back-pressure
     */
    Flux<Map<String, Object>> find(String collection, DocumentQuery query);

    /**
     * @param collection the logical collection
     * @param filter     the filter
     * @return the matching documents
     */
    default Flux<Map<String, Object>> find(String collection, Map<String, Object> filter) {
        return find(collection, DocumentQuery.filter(filter));
    }

    /**
     * @param collection the logical collection
     * @param filter     the filter
     * @return the first matching document, or empty
     */
    Mono<Map<String, Object>> findOne(String collection, Map<String, Object> filter);

    /**
     * @param collection the logical collection
     * @param filter     which documents
     * @param update     an update document ({@code $set}, {@code $inc}, ...)
     * @param upsert     insert when nothing matches
     * @return the number of documents modified (or 1 when upserted)
     */
    Mono<Long> updateMany(String collection, Map<String, Object> filter, Map<String, Object> update, boolean upsert);

    /**
     * @param collection the logical collection
     * @param filter     which documents
     * @return the number deleted
     */
    Mono<Long> deleteMany(String collection, Map<String, Object> filter);

    /**
     * @param collection the logical collection
     * @param filter     which documents
     * @return how many match
     */
    Mono<Long> count(String collection, Map<String, Object> filter);

    /**
     * @param collection the logical collection
     * @param pipeline   the stages; the engine confines them to the tenant
     * @return the results
     */
    Flux<Map<String, Object>> aggregate(String collection, List<Map<String, Object>> pipeline);

    /**
     * Runs {@code work} in a multi-document transaction.
     *
     * @param work what to do
     * @param <T>  the result type
     * @return the results
     * @throws io.tenantdb.core.exception.UnsupportedFeatureException (as an error signal) when the
     *     server has no transactions
     */
    <T> Flux<T> inTransaction(Function<? super DocumentSession, ? extends Publisher<T>> work);
}
