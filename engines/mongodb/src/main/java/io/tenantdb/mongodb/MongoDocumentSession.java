package io.tenantdb.mongodb;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.WriteModel;
import io.tenantdb.core.session.DocumentQuery;
import io.tenantdb.core.session.DocumentSession;
import org.bson.Document;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The MongoDB {@link DocumentSession}, with MongoDB's own operations: single-document writes,
 * find-and-modify, indexes, bulk writes, GridFS, change streams and typed (Jackson-mapped) documents.
 * Get it with {@code (MongoDocumentSession) db.documents(DatabaseType.MONGODB)} or
 * {@code db.session(DatabaseType.MONGODB, MongoDocumentSession.class)}.
 *
 * <p>Every operation runs for the tenant of the subscriber's Reactor context, under that tenant's
 * isolation strategy. Collection and bucket names are logical: letters, digits, {@code _} and
 * {@code -}, no {@code /\. "$*<>:|?} or NUL, fewer than 64 bytes. Under {@code ROW_LEVEL_SECURITY}
 * the tenant field ({@code tenantId}) is reserved: a filter, document or update naming it is refused
 * with {@link io.tenantdb.core.exception.IsolationViolationException}, and it never appears in
 * results; {@code _id} values are unique per shared collection, not per tenant, so let the driver
 * generate them (or qualify your own) — a duplicate {@code _id} is refused like any duplicate key.
 * Filters, updates and pipelines may not use server-side JavaScript ({@code $where},
 * {@code $function}, {@code $accumulator}) unless {@code mongodb.allow_server_side_js: true}. Field
 * names of written documents may not start with {@code $}. For values that come from users, build
 * filters with {@link MongoFilters}.
 *
 * <p>Typed methods map documents to and from Java objects (records, beans) with Jackson; map the
 * {@code _id} with {@code @JsonProperty("_id")}; an {@code ObjectId} maps to a {@code String} or an
 * {@code ObjectId}, a BSON date to {@code Date} or {@code Instant}.
 *
 * <p>The session passed to the work of {@link #inTransaction} is a {@code MongoDocumentSession}.
 *
 * @apiNote nothing happens until subscription.
 */
public interface MongoDocumentSession extends DocumentSession {

    /**
     * @param collection the logical collection
     * @param value      a record or bean, mapped with Jackson; an {@code _id} is generated when absent
     * @return the document's {@code _id}
     */
    Mono<Object> insertValue(String collection, Object value);

    /**
     * @param collection the logical collection
     * @param query      filter, sort, projection, skip, limit
     * @param type       the type to map each document to
     * @param <T>        the type
     * @return the matching documents, mapped, streamed with back-pressure
     */
    <T> Flux<T> find(String collection, DocumentQuery query, Class<T> type);

    /**
     * @param collection the logical collection
     * @param filter     the filter
     * @param type       the type to map the document to
     * @param <T>        the type
     * @return the first matching document, mapped, or empty
     */
    <T> Mono<T> findOne(String collection, Map<String, Object> filter, Class<T> type);

    /**
     * @param collection the logical collection
     * @param filter     which document
     * @param update     an update document ({@code $set}, {@code $inc}, ...)
     * @param upsert     insert when nothing matches
     * @return the number of documents modified (1 when upserted)
     */
    Mono<Long> updateOne(String collection, Map<String, Object> filter, Map<String, Object> update, boolean upsert);

    /**
     * @param collection  the logical collection
     * @param filter      which document
     * @param replacement the new document (no operators, no {@code _id} change)
     * @param upsert      insert when nothing matches
     * @return the number of documents modified (1 when upserted)
     */
    Mono<Long> replaceOne(String collection, Map<String, Object> filter, Map<String, Object> replacement,
                          boolean upsert);

    /**
     * Updates one document and returns it, atomically.
     *
     * @param collection  the logical collection
     * @param filter      which document
     * @param update      an update document
     * @param upsert      insert when nothing matches
     * @param returnAfter return the document as it is after the update (else before)
     * @return the document, or empty when none matched (and no upsert)
     */
    Mono<Map<String, Object>> findOneAndUpdate(String collection, Map<String, Object> filter,
                                               Map<String, Object> update, boolean upsert, boolean returnAfter);

    /**
     * @param collection the logical collection
     * @param filter     which document
     * @return 1 when a document was deleted, else 0
     */
    Mono<Long> deleteOne(String collection, Map<String, Object> filter);

    /**
     * @param collection the logical collection
     * @param pipeline   the stages; the engine confines them, and their sub-pipelines, to the tenant
     * @param type       the type to map each result to
     * @param <T>        the type
     * @return the results, mapped
     */
    <T> Flux<T> aggregate(String collection, List<Map<String, Object>> pipeline, Class<T> type);

    /**
     * Creates an index; under {@code ROW_LEVEL_SECURITY} the tenant field becomes its first key (so a
     * unique index is unique per tenant), except for a single-field TTL index, which stays as given.
     *
     * @param collection the logical collection
     * @param keys       the keys in order: field to 1, -1, {@code "text"}, {@code "2dsphere"}, {@code "hashed"}
     * @param options    unique, TTL ({@code expireAfter}), partial filter, name...; may be {@code null}
     * @return the index name
     */
    Mono<String> createIndex(String collection, Map<String, Object> keys, IndexOptions options);

    /**
     * Runs several writes in one round trip. Filters, documents and updates are confined to the tenant
     * as for the single operations.
     *
     * @param collection the logical collection
     * @param operations insert, update, replace and delete models of the driver
     * @param ordered    stop at the first error (else try every operation)
     * @return what was written
     */
    Mono<MongoBulkResult> bulkWrite(String collection, List<? extends WriteModel<Document>> operations,
                                    boolean ordered);

    /**
     * Stores a file in a GridFS bucket.
     *
     * @param bucket   the logical bucket (e.g. {@code fs})
     * @param filename the file name
     * @param content  the content, consumed once, with back-pressure
     * @param metadata metadata to store with it; may be empty
     * @return the file's id
     */
    Mono<Object> upload(String bucket, String filename, Publisher<ByteBuffer> content, Map<String, Object> metadata);

    /**
     * Reads a file of a GridFS bucket.
     *
     * @param bucket the logical bucket
     * @param fileId the id {@link #upload} returned (a plain value)
     * @return the content, with back-pressure; an error
     *     {@link io.tenantdb.core.exception.DataAccessException} when the tenant has no such file
     */
    Flux<ByteBuffer> download(String bucket, Object fileId);

    /**
     * @param bucket the logical bucket
     * @param filter a filter on the files collection ({@code filename}, {@code metadata.x}, ...)
     * @return the tenant's matching file descriptions ({@code _id}, {@code filename}, {@code length},
     *     {@code uploadDate}, {@code metadata})
     */
    Flux<Map<String, Object>> files(String bucket, Map<String, Object> filter);

    /**
     * @param bucket the logical bucket
     * @param fileId the file's id
     * @return completes when deleted; an error when the tenant has no such file
     */
    Mono<Void> deleteFile(String bucket, Object fileId);

    /**
     * Watches a collection's changes from now on (a change stream). Needs a replica set, or a server
     * with an oplog. Each event is MongoDB's change event ({@code operationType}, {@code documentKey},
     * {@code fullDocument} looked up for updates, {@code updateDescription}, {@code _id} as resume
     * token), with {@code ns.coll} the logical collection name. Under {@code ROW_LEVEL_SECURITY} only
     * the tenant's events arrive; delete events carry no document to tell whose they were and are left
     * out, unless {@code mongodb.change_stream_pre_images} is on (MongoDB 6+ with pre-images enabled).
     *
     * @param collection the logical collection
     * @param pipeline   extra stages ({@code $match}, {@code $project}, ...) applied after the tenant filter
     * @return the events, until cancelled
     */
    Flux<Map<String, Object>> watch(String collection, List<Map<String, Object>> pipeline);

    /**
     * Runs {@code work} in a multi-document transaction of the tenant; the session handed to it is a
     * {@code MongoDocumentSession} bound to the transaction (and to the tenant: an operation for another
     * tenant inside it is refused). Committed when the work completes, aborted on error or cancel; its
     * results are emitted after the commit. Needs a replica set or sharded cluster; otherwise the
     * error is an {@link io.tenantdb.core.exception.UnsupportedFeatureException} saying so.
     */
    @Override
    <T> Flux<T> inTransaction(Function<? super DocumentSession, ? extends Publisher<T>> work);

    /**
     * Offers {@code com.mongodb.reactivestreams.client.MongoDatabase}. Under
     * {@code DATABASE_PER_TENANT} it is the tenant's own database. Under the shared strategies
     * ({@code SCHEMA_PER_TENANT}, {@code ROW_LEVEL_SECURITY}) it is refused with
     * {@link io.tenantdb.core.exception.UnsupportedFeatureException}, unless
     * {@code mongodb.native_on_shared: true}: the database handed out is then the SHARED database and
     * is NOT filtered to the tenant — the work must confine itself to the tenant's collections or rows.
     */
    @Override
    <N, T> Flux<T> withNative(Class<N> nativeType, Function<? super N, ? extends Publisher<T>> work);
}
