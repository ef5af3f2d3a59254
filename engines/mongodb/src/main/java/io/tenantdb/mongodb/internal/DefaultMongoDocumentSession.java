package io.tenantdb.mongodb.internal;

import com.mongodb.MongoClientSettings;
import com.mongodb.bulk.BulkWriteResult;
import com.mongodb.bulk.BulkWriteUpsert;
import com.mongodb.client.gridfs.model.GridFSFile;
import com.mongodb.client.gridfs.model.GridFSUploadOptions;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.DeleteManyModel;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.ReplaceOneModel;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateManyModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.WriteModel;
import com.mongodb.client.model.changestream.FullDocument;
import com.mongodb.client.model.changestream.FullDocumentBeforeChange;
import com.mongodb.client.result.UpdateResult;
import com.mongodb.reactivestreams.client.ChangeStreamPublisher;
import com.mongodb.reactivestreams.client.ClientSession;
import com.mongodb.reactivestreams.client.FindPublisher;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import com.mongodb.reactivestreams.client.gridfs.GridFSBucket;
import com.mongodb.reactivestreams.client.gridfs.GridFSBuckets;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.IsolationViolationException;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import io.tenantdb.core.session.DocumentQuery;
import io.tenantdb.core.session.DocumentSession;
import io.tenantdb.mongodb.MongoBulkResult;
import io.tenantdb.mongodb.MongoDocumentSession;
import org.bson.BsonDocument;
import org.bson.BsonValue;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The engine's session. Stateless and shared by every tenant; inside a transaction, a copy bound to
 * the transaction's driver session and tenant scope.
 */
final class DefaultMongoDocumentSession implements MongoDocumentSession {

    private static final DatabaseType TYPE = DatabaseType.MONGODB;
    /** Change-stream stages that only filter or reshape events. */
    private static final Set<String> CHANGE_STREAM_STAGES = Set.of("$match", "$project", "$addFields", "$set",
            "$unset", "$replaceRoot", "$replaceWith", "$redact");

    private final MongoEngine engine;
    /** The driver session of the transaction, or {@code null}. */
    private final ClientSession txn;
    /** The transaction's tenant scope, or {@code null}. */
    private final TenantScope pinned;

    DefaultMongoDocumentSession(MongoEngine engine, ClientSession txn, TenantScope pinned) {
        this.engine = engine;
        this.txn = txn;
        this.pinned = pinned;
    }

    @Override
    public DatabaseType engine() {
        return TYPE;
    }

    // ---- plumbing: every operation resolves the tenant through the operator chain, then its scope

    private <T> Flux<T> flux(OperationKind kind, String name, Function<TenantScope, ? extends Publisher<T>> body) {
        return engine.context().operations().flux(TYPE, kind, name, tenant -> (pinned == null
                ? engine.withScopeMany(tenant, kind, body) : scope(tenant, kind).flatMapMany(body))
                .onErrorMap(e -> MongoErrors.map(e, tenant, name)));
    }

    private <T> Mono<T> mono(OperationKind kind, String name, Function<TenantScope, ? extends Mono<T>> body) {
        return engine.context().operations().mono(TYPE, kind, name, tenant -> (pinned == null
                ? engine.withScope(tenant, kind, body) : scope(tenant, kind).flatMap(body))
                .onErrorMap(e -> MongoErrors.map(e, tenant, name)));
    }

    private Mono<TenantScope> scope(TenantId tenant, OperationKind kind) {
        if (pinned == null) {
            return engine.scope(tenant, kind);
        }
        if (!pinned.tenant().equals(tenant)) {
            return Mono.error(new IsolationViolationException("an operation for tenant " + tenant.value()
                    + " ran inside a transaction of tenant " + pinned.tenant().value() + ": a transaction serves one tenant",
                    tenant, TYPE, null));
        }
        return Mono.just(pinned);
    }

    // ---- writes

    @Override
    public Mono<Object> insert(String collection, Map<String, Object> document) {
        return mono(OperationKind.WRITE, "insert", s -> doInsert(s, collection, document));
    }

    @Override
    public Mono<Object> insertValue(String collection, Object value) {
        return mono(OperationKind.WRITE, "insert", s -> doInsert(s, collection, engine.mapper().toDocument(value, s.tenant())));
    }

    private Mono<Object> doInsert(TenantScope s, String collection, Map<String, Object> document) {
        MongoCollection<Document> c = s.collection(collection);
        Document d = s.newDocument(document);
        // The codec puts a generated _id into d.
        return Mono.from(txn == null ? c.insertOne(d) : c.insertOne(txn, d)).map(r -> d.get("_id"));
    }

    @Override
    public Mono<Long> insertMany(String collection, Publisher<? extends Map<String, Object>> documents) {
        return mono(OperationKind.WRITE, "insertMany", s -> {
            MongoCollection<Document> c = s.collection(collection);
            return Flux.from(documents)
                    .map(s::newDocument)
                    .buffer(s.settings().insertBatchSize())
                    .concatMap(batch -> Mono.from(txn == null ? c.insertMany(batch) : c.insertMany(txn, batch))
                            .thenReturn((long) batch.size()))
                    .reduce(0L, Long::sum);
        });
    }

    @Override
    public Mono<Long> updateMany(String collection, Map<String, Object> filter, Map<String, Object> update,
                                 boolean upsert) {
        return mono(OperationKind.WRITE, "updateMany", s -> {
            MongoCollection<Document> c = s.collection(collection);
            Document f = s.filter(filter);
            Document u = s.update(update, upsert);
            UpdateOptions o = new UpdateOptions().upsert(upsert);
            return Mono.from(txn == null ? c.updateMany(f, u, o) : c.updateMany(txn, f, u, o)).map(this::modified);
        });
    }

    @Override
    public Mono<Long> updateOne(String collection, Map<String, Object> filter, Map<String, Object> update, boolean upsert) {
        return mono(OperationKind.WRITE, "updateOne", s -> {
            MongoCollection<Document> c = s.collection(collection);
            Document f = s.filter(filter);
            Document u = s.update(update, upsert);
            UpdateOptions o = new UpdateOptions().upsert(upsert);
            return Mono.from(txn == null ? c.updateOne(f, u, o) : c.updateOne(txn, f, u, o)).map(this::modified);
        });
    }

    @Override
    public Mono<Long> replaceOne(String collection, Map<String, Object> filter, Map<String, Object> replacement,
                                 boolean upsert) {
        return mono(OperationKind.WRITE, "replaceOne", s -> {
            MongoCollection<Document> c = s.collection(collection);
            Document f = s.filter(filter);
            Document r = s.newDocument(replacement);
            ReplaceOptions o = new ReplaceOptions().upsert(upsert);
            return Mono.from(txn == null ? c.replaceOne(f, r, o) : c.replaceOne(txn, f, r, o)).map(this::modified);
        });
    }

    private long modified(UpdateResult r) {
        return r.getUpsertedId() != null ? 1L : r.getModifiedCount();
    }

    @Override
    public Mono<Map<String, Object>> findOneAndUpdate(String collection, Map<String, Object> filter,
                                                      Map<String, Object> update, boolean upsert, boolean returnAfter) {
        return mono(OperationKind.WRITE, "findOneAndUpdate", s -> {
            MongoCollection<Document> c = s.collection(collection);
            Document f = s.filter(filter);
            Document u = s.update(update, upsert);
            FindOneAndUpdateOptions o = new FindOneAndUpdateOptions().upsert(upsert)
                    .returnDocument(returnAfter ? ReturnDocument.AFTER : ReturnDocument.BEFORE);
            return Mono.from(txn == null ? c.findOneAndUpdate(f, u, o) : c.findOneAndUpdate(txn, f, u, o)).map(s::strip);
        });
    }

    @Override
    public Mono<Long> deleteMany(String collection, Map<String, Object> filter) {
        return mono(OperationKind.WRITE, "deleteMany", s -> {
            MongoCollection<Document> c = s.collection(collection);
            Document f = s.filter(filter);
            return Mono.from(txn == null ? c.deleteMany(f) : c.deleteMany(txn, f)).map(r -> r.getDeletedCount());
        });
    }

    @Override
    public Mono<Long> deleteOne(String collection, Map<String, Object> filter) {
        return mono(OperationKind.WRITE, "deleteOne", s -> {
            MongoCollection<Document> c = s.collection(collection);
            Document f = s.filter(filter);
            return Mono.from(txn == null ? c.deleteOne(f) : c.deleteOne(txn, f)).map(r -> r.getDeletedCount());
        });
    }

    // ---- reads

    @Override
    public Flux<Map<String, Object>> find(String collection, DocumentQuery query) {
        return flux(OperationKind.READ, "find", s -> doFind(s, collection, query));
    }

    @Override
    public <T> Flux<T> find(String collection, DocumentQuery query, Class<T> type) {
        return flux(OperationKind.READ, "find", s -> doFind(s, collection, query)
                .map(d -> engine.mapper().fromDocument(d, type, s.tenant())));
    }

    /**
     * The driver asks the server for as many documents per batch as the subscriber has requested
     * (no batch size is set), so a slow subscriber holds a small cursor batch, not the whole result.
     */
    private Flux<Map<String, Object>> doFind(TenantScope s, String collection, DocumentQuery query) {
        if (query == null) {
            throw new DataAccessException("query must not be null", s.tenant(), TYPE, null);
        }
        MongoCollection<Document> c = s.collection(collection);
        Document f = s.filter(query.filter());
        FindPublisher<Document> p = txn == null ? c.find(f) : c.find(txn, f);
        if (!query.sort().isEmpty()) {
            p = p.sort(s.options(query.sort(), "sort"));
        }
        if (!query.projection().isEmpty()) {
            p = p.projection(s.options(query.projection(), "projection"));
        }
        if (query.skip() > 0) {
            p = p.skip(query.skip());
        }
        if (query.limit() > 0) {
            p = p.limit(query.limit());
        }
        return Flux.from(p).map(s::strip);
    }

    @Override
    public Mono<Map<String, Object>> findOne(String collection, Map<String, Object> filter) {
        return mono(OperationKind.READ, "findOne", s -> doFindOne(s, collection, filter));
    }

    @Override
    public <T> Mono<T> findOne(String collection, Map<String, Object> filter, Class<T> type) {
        return mono(OperationKind.READ, "findOne", s -> doFindOne(s, collection, filter)
                .map(d -> engine.mapper().fromDocument(d, type, s.tenant())));
    }

    private Mono<Map<String, Object>> doFindOne(TenantScope s, String collection, Map<String, Object> filter) {
        MongoCollection<Document> c = s.collection(collection);
        Document f = s.filter(filter);
        return Mono.from((txn == null ? c.find(f) : c.find(txn, f)).first()).map(s::strip);
    }

    @Override
    public Mono<Long> count(String collection, Map<String, Object> filter) {
        return mono(OperationKind.READ, "count", s -> {
            MongoCollection<Document> c = s.collection(collection);
            Document f = s.filter(filter);
            return Mono.from(txn == null ? c.countDocuments(f) : c.countDocuments(txn, f));
        });
    }

    @Override
    public Flux<Map<String, Object>> aggregate(String collection, List<Map<String, Object>> pipeline) {
        return flux(OperationKind.READ, "aggregate", s -> doAggregate(s, collection, pipeline));
    }

    @Override
    public <T> Flux<T> aggregate(String collection, List<Map<String, Object>> pipeline, Class<T> type) {
        return flux(OperationKind.READ, "aggregate", s -> doAggregate(s, collection, pipeline)
                .map(d -> engine.mapper().fromDocument(d, type, s.tenant())));
    }

    private Flux<Map<String, Object>> doAggregate(TenantScope s, String collection, List<Map<String, Object>> pipeline) {
        MongoCollection<Document> c = s.collection(collection);
        List<Document> stages = s.pipeline(pipeline);
        return Flux.from(txn == null ? c.aggregate(stages) : c.aggregate(txn, stages)).map(s::strip);
    }

    // ---- indexes and bulk writes

    @Override
    public Mono<String> createIndex(String collection, Map<String, Object> keys, IndexOptions options) {
        return mono(OperationKind.WRITE, "createIndex", s -> {
            MongoCollection<Document> c = s.collection(collection);
            Document k = s.indexKeys(keys, options);
            IndexOptions o = options == null ? new IndexOptions() : options;
            return Mono.from(txn == null ? c.createIndex(k, o) : c.createIndex(txn, k, o));
        });
    }

    @Override
    public Mono<MongoBulkResult> bulkWrite(String collection, List<? extends WriteModel<Document>> operations,
                                           boolean ordered) {
        return mono(OperationKind.WRITE, "bulkWrite", s -> {
            MongoCollection<Document> c = s.collection(collection);
            if (operations == null || operations.isEmpty()) {
                return Mono.just(new MongoBulkResult(0, 0, 0, 0, Map.of()));
            }
            List<WriteModel<Document>> models = new ArrayList<>(operations.size());
            for (WriteModel<Document> m : operations) {
                models.add(confine(m, s));
            }
            BulkWriteOptions o = new BulkWriteOptions().ordered(ordered);
            return Mono.from(txn == null ? c.bulkWrite(models, o) : c.bulkWrite(txn, models, o)).map(this::bulkResult);
        });
    }

    private WriteModel<Document> confine(WriteModel<Document> model, TenantScope s) {
        if (model instanceof InsertOneModel) {
            return new InsertOneModel<>(s.newDocument(((InsertOneModel<Document>) model).getDocument()));
        }
        if (model instanceof UpdateOneModel) {
            UpdateOneModel<Document> m = (UpdateOneModel<Document>) model;
            checkArrayFilters(m.getOptions(), s);
            return new UpdateOneModel<>(s.filter(doc(m.getFilter())), s.update(updateOf(m.getUpdate(), s),
                    m.getOptions().isUpsert()), m.getOptions());
        }
        if (model instanceof UpdateManyModel) {
            UpdateManyModel<Document> m = (UpdateManyModel<Document>) model;
            checkArrayFilters(m.getOptions(), s);
            return new UpdateManyModel<>(s.filter(doc(m.getFilter())), s.update(updateOf(m.getUpdate(), s),
                    m.getOptions().isUpsert()), m.getOptions());
        }
        if (model instanceof ReplaceOneModel) {
            ReplaceOneModel<Document> m = (ReplaceOneModel<Document>) model;
            return new ReplaceOneModel<>(s.filter(doc(m.getFilter())), s.newDocument(m.getReplacement()),
                    m.getReplaceOptions());
        }
        if (model instanceof DeleteOneModel) {
            DeleteOneModel<Document> m = (DeleteOneModel<Document>) model;
            return new DeleteOneModel<>(s.filter(doc(m.getFilter())), m.getOptions());
        }
        if (model instanceof DeleteManyModel) {
            DeleteManyModel<Document> m = (DeleteManyModel<Document>) model;
            return new DeleteManyModel<>(s.filter(doc(m.getFilter())), m.getOptions());
        }
        throw new UnsupportedFeatureException("bulkWrite does not accept " + model.getClass().getSimpleName()
                + ": use InsertOneModel, UpdateOneModel, UpdateManyModel, ReplaceOneModel, DeleteOneModel or DeleteManyModel",
                s.tenant(), TYPE, null);
    }

    private static Document doc(Bson bson) {
        return bson == null ? new Document() : Bsons.toDocument(bson);
    }

    private static Document updateOf(Bson update, TenantScope s) {
        if (update == null) {
            throw new UnsupportedFeatureException("bulkWrite updates must be update documents ({$set: ...}), not pipelines",
                    s.tenant(), TYPE, null);
        }
        return Bsons.toDocument(update);
    }

    private static void checkArrayFilters(UpdateOptions options, TenantScope s) {
        if (options.getArrayFilters() != null) {
            for (Bson f : options.getArrayFilters()) {
                InputGuard.checkFilter(Bsons.toDocument(f), s, "array filter");
            }
        }
    }

    private MongoBulkResult bulkResult(BulkWriteResult r) {
        Map<Integer, Object> upserted = new HashMap<>();
        for (BulkWriteUpsert u : r.getUpserts()) {
            upserted.put(u.getIndex(), javaValue(u.getId()));
        }
        return new MongoBulkResult(r.getInsertedCount(), r.getMatchedCount(), r.getModifiedCount(), r.getDeletedCount(),
                upserted);
    }

    private static Object javaValue(BsonValue value) {
        return Bsons.toDocument(new BsonDocument("v", value)).get("v");
    }

    private static BsonValue bsonValue(Object value) {
        return new Document("v", value).toBsonDocument(BsonDocument.class, MongoClientSettings.getDefaultCodecRegistry())
                .get("v");
    }

    // ---- GridFS

    private GridFSBucket bucket(TenantScope s, String bucket) {
        return GridFSBuckets.create(s.database(), s.physical("bucket", bucket));
    }

    private Document fileFilter(TenantScope s, Map<String, Object> filter) {
        InputGuard.checkFilter(filter, s, "file filter");
        Document f = Bsons.copy(filter);
        if (s.rowLevel()) {
            f.put("metadata." + s.tenantField(), s.tenant().value());
        }
        return f;
    }

    @Override
    public Mono<Object> upload(String bucket, String filename, Publisher<ByteBuffer> content, Map<String, Object> metadata) {
        return mono(OperationKind.WRITE, "gridfsUpload", s -> {
            GridFSBucket b = bucket(s, bucket);
            if (filename == null || filename.isEmpty() || filename.indexOf('\0') >= 0) {
                throw new DataAccessException("file name must not be empty or hold NUL", s.tenant(), TYPE, null);
            }
            Document md = s.newDocument(metadata == null ? Map.of() : metadata);
            GridFSUploadOptions o = new GridFSUploadOptions().metadata(md);
            return Mono.from(txn == null ? b.uploadFromPublisher(filename, content, o)
                    : b.uploadFromPublisher(txn, filename, content, o)).map(id -> (Object) id);
        });
    }

    @Override
    public Flux<ByteBuffer> download(String bucket, Object fileId) {
        return flux(OperationKind.READ, "gridfsDownload", s -> {
            GridFSBucket b = bucket(s, bucket);
            InputGuard.checkPlainValue("file id", fileId, s);
            BsonValue id = bsonValue(fileId);
            return ownFile(s, b, bucket, fileId)
                    .thenMany(Flux.defer(() -> txn == null ? b.downloadToPublisher(id) : b.downloadToPublisher(txn, id)));
        });
    }

    @Override
    public Flux<Map<String, Object>> files(String bucket, Map<String, Object> filter) {
        return flux(OperationKind.READ, "gridfsFind", s -> {
            GridFSBucket b = bucket(s, bucket);
            Document f = fileFilter(s, filter);
            return Flux.from(txn == null ? b.find(f) : b.find(txn, f)).map(file -> describe(s, file));
        });
    }

    @Override
    public Mono<Void> deleteFile(String bucket, Object fileId) {
        return mono(OperationKind.WRITE, "gridfsDelete", s -> {
            GridFSBucket b = bucket(s, bucket);
            InputGuard.checkPlainValue("file id", fileId, s);
            BsonValue id = bsonValue(fileId);
            return ownFile(s, b, bucket, fileId)
                    .then(Mono.defer(() -> Mono.from(txn == null ? b.delete(id) : b.delete(txn, id))));
        });
    }

    /** Completes when the tenant has the file, else errors the same way whether it is absent or another tenant's. */
    private Mono<Void> ownFile(TenantScope s, GridFSBucket b, String bucket, Object fileId) {
        Document f = new Document("_id", fileId);
        if (s.rowLevel()) {
            f.put("metadata." + s.tenantField(), s.tenant().value());
        }
        return Mono.from((txn == null ? b.find(f) : b.find(txn, f)).first())
                .switchIfEmpty(Mono.error(() -> new DataAccessException("no file with id " + fileId + " in bucket '"
                        + bucket + "'", s.tenant(), TYPE, null)))
                .then();
    }

    private Map<String, Object> describe(TenantScope s, GridFSFile file) {
        Document d = new Document("_id", javaValue(file.getId()))
                .append("filename", file.getFilename())
                .append("length", file.getLength())
                .append("chunkSize", file.getChunkSize())
                .append("uploadDate", file.getUploadDate())
                .append("metadata", file.getMetadata() == null ? new Document() : file.getMetadata());
        return s.strip(d);
    }

    // ---- change streams

    @Override
    public Flux<Map<String, Object>> watch(String collection, List<Map<String, Object>> pipeline) {
        return flux(OperationKind.READ, "watch", s -> {
            MongoCollection<Document> c = s.collection(collection);
            List<Document> stages = new ArrayList<>();
            if (s.rowLevel()) {
                String field = s.tenantField();
                Document mine = s.settings().preImages()
                        ? new Document("$or", List.of(new Document("fullDocument." + field, s.tenant().value()),
                        new Document("fullDocumentBeforeChange." + field, s.tenant().value())))
                        : new Document("fullDocument." + field, s.tenant().value());
                stages.add(new Document("$match", mine));
            }
            for (Map<String, Object> stage : pipeline == null ? List.<Map<String, Object>>of() : pipeline) {
                if (stage == null || stage.size() != 1 || !CHANGE_STREAM_STAGES.contains(stage.keySet().iterator().next())) {
                    throw new DataAccessException("change stream stages may only be " + CHANGE_STREAM_STAGES + ", was " + stage,
                            s.tenant(), TYPE, null);
                }
                InputGuard.checkFilter(stage, s, "change stream stage");
                stages.add(Bsons.copy(stage));
            }
            ChangeStreamPublisher<Document> p = txn == null ? c.watch(stages) : c.watch(txn, stages);
            p = p.fullDocument(FullDocument.UPDATE_LOOKUP);
            if (s.rowLevel() && s.settings().preImages()) {
                p = p.fullDocumentBeforeChange(FullDocumentBeforeChange.WHEN_AVAILABLE);
            }
            String physical = c.getNamespace().getCollectionName();
            return Flux.from(p.withDocumentClass(Document.class)).map(event -> {
                Object ns = event.get("ns");
                if (ns instanceof Map && physical.equals(((Map<?, ?>) ns).get("coll"))) {
                    event.put("ns", new Document("coll", collection));
                }
                return s.strip(event);
            });
        });
    }

    // ---- transactions and the native client

    @Override
    public <T> Flux<T> inTransaction(Function<? super DocumentSession, ? extends Publisher<T>> work) {
        return engine.context().operations().flux(TYPE, OperationKind.WRITE, "transaction", tenant -> {
            if (pinned != null) {
                return Flux.<T>error(new UnsupportedFeatureException("transactions do not nest: run the work in the"
                        + " enclosing transaction", tenant, TYPE, null));
            }
            return engine.scope(tenant, OperationKind.WRITE)
                    .flatMapMany(s -> engine.requireTransactions(s).thenMany(Flux.usingWhen(
                            Mono.from(s.client().startSession()),
                            cs -> {
                                cs.startTransaction();
                                // Results are handed out after the commit, so nobody acts on rolled-back data.
                                return Flux.<T>from(work.apply(new DefaultMongoDocumentSession(engine, cs, s))).collectList();
                            },
                            cs -> Mono.from(cs.commitTransaction()).doFinally(x -> cs.close()),
                            (cs, e) -> abort(cs),
                            this::abort)))
                    .flatMapIterable(list -> list)
                    .onErrorMap(e -> MongoErrors.map(e, tenant, "transaction"));
        });
    }

    private Mono<Void> abort(ClientSession cs) {
        return Mono.from(cs.abortTransaction()).onErrorResume(e -> Mono.empty()).doFinally(x -> cs.close());
    }

    /**
     * Offers {@link MongoDatabase}: the tenant's own database under {@code DATABASE_PER_TENANT}. For
     * the shared strategies it is refused, unless {@code mongodb.native_on_shared: true}: the database
     * handed out then is the SHARED database, NOT filtered to the tenant — the work must confine itself.
     */
    @Override
    public <N, T> Flux<T> withNative(Class<N> nativeType, Function<? super N, ? extends Publisher<T>> work) {
        return flux(OperationKind.WRITE, "native", s -> {
            if (nativeType != MongoDatabase.class) {
                throw new UnsupportedFeatureException("withNative offers " + MongoDatabase.class.getName() + ", not "
                        + nativeType.getName(), s.tenant(), TYPE, null);
            }
            if (s.strategy() != IsolationStrategy.DATABASE_PER_TENANT && !s.settings().nativeOnShared()) {
                throw new UnsupportedFeatureException("withNative(MongoDatabase) is refused for a tenant under "
                        + s.strategy() + ": that database is shared with other tenants and nothing would filter it; use"
                        + " the session's operations, or set mongodb.native_on_shared: true and confine the work yourself",
                        s.tenant(), TYPE, null);
            }
            return work.apply(nativeType.cast(s.database()));
        });
    }

    @Override
    public String toString() {
        return "MongoDocumentSession" + (pinned == null ? "" : "{transaction of " + pinned.tenant().value() + "}");
    }
}
