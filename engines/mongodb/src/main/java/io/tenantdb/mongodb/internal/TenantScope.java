package io.tenantdb.mongodb.internal;

import com.mongodb.client.model.IndexOptions;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoCollection;
import com.mongodb.reactivestreams.client.MongoDatabase;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import org.bson.Document;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.TimeUnit;

/**
 * One tenant's view of MongoDB for one operation: its database, how logical collection names map to
 * physical ones, and, under row-level security, the tenant field to inject and strip. Every filter,
 * document, update, pipeline and index key goes through here on its way to the driver.
 */
final class TenantScope {

    /** MongoDB's limit on {@code database.collection}, in bytes. */
    private static final int MAX_NAMESPACE_BYTES = 255;
    /** Collections kept per scope; names beyond are checked and claimed on every use. */
    private static final int MAX_KEPT_COLLECTIONS = 256;

    private final TenantId tenant;
    private final IsolationStrategy strategy;
    private final MongoClient client;
    private final String databaseName;
    private final String collectionPrefix;
    private final MongoSettings settings;
    private final NameRegistry names;
    private final String node;
    /** Made on first use; a benign race (the driver's database object is immutable). */
    private MongoDatabase database;
    /** Collections already checked and claimed, by logical name; bounded. */
    private final ConcurrentMap<String, MongoCollection<Document>> collections = new ConcurrentHashMap<>();

    TenantScope(TenantId tenant, IsolationStrategy strategy, MongoClient client, String databaseName,
                String collectionPrefix, MongoSettings settings, NameRegistry names, String node) {
        this.tenant = tenant;
        this.strategy = strategy;
        this.client = client;
        this.databaseName = databaseName;
        this.collectionPrefix = collectionPrefix;
        this.settings = settings;
        this.names = names;
        this.node = node;
    }

    TenantId tenant() {
        return tenant;
    }

    IsolationStrategy strategy() {
        return strategy;
    }

    MongoClient client() {
        return client;
    }

    MongoDatabase database() {
        MongoDatabase d = database;
        if (d == null) {
            d = client.getDatabase(databaseName);
            database = d;
        }
        return d;
    }

    String databaseName() {
        return databaseName;
    }

    MongoSettings settings() {
        return settings;
    }

    String node() {
        return node;
    }

    /** @return whether the tenant shares collections with others and is confined by the tenant field */
    boolean rowLevel() {
        return strategy == IsolationStrategy.ROW_LEVEL_SECURITY;
    }

    /** @return the tenant field under row-level security, else {@code null} */
    String tenantField() {
        return rowLevel() ? settings.tenantField() : null;
    }

    /** @return the prefix of the tenant's physical collection names ({@code ""} unless prefix strategy) */
    String collectionPrefix() {
        return collectionPrefix;
    }

    /**
     * @param kind    collection or bucket, for messages
     * @param logical the caller's name
     * @return the physical collection name, checked
     */
    String physical(String kind, String logical) {
        InputGuard.checkName(kind, logical, tenant);
        String physical = collectionPrefix + logical;
        int bytes = (databaseName + "." + physical).getBytes(StandardCharsets.UTF_8).length + 8;
        if (bytes > MAX_NAMESPACE_BYTES) {
            throw new DataAccessException(kind + " name '" + logical + "' makes the namespace too long for MongoDB ("
                    + MAX_NAMESPACE_BYTES + " bytes): use a shorter name", tenant, DatabaseType.MONGODB, null);
        }
        names.claimCollection(databaseName, physical, tenant);
        return physical;
    }

    /** @param logical the caller's collection name @return the tenant's collection */
    MongoCollection<Document> collection(String logical) {
        MongoCollection<Document> known = logical == null ? null : collections.get(logical);
        if (known != null) {
            return known;
        }
        MongoCollection<Document> collection = database().getCollection(physical("collection", logical));
        if (collections.size() < MAX_KEPT_COLLECTIONS) {
            collections.putIfAbsent(logical, collection);
        }
        return collection;
    }

    /** @param physical a physical name of this scope @return the logical name */
    String logical(String physical) {
        return physical.startsWith(collectionPrefix) ? physical.substring(collectionPrefix.length()) : physical;
    }

    /**
     * @param filter the caller's filter, may be {@code null}
     * @return the filter, checked, confined to the tenant
     */
    Document filter(Map<String, ?> filter) {
        InputGuard.checkFilter(filter, this, "filter");
        Document f = Bsons.copy(filter);
        if (rowLevel()) {
            f.put(settings.tenantField(), tenant.value());
        }
        return f;
    }

    /** @param sortOrProjection sort or projection, may be {@code null} @return it, checked */
    Document options(Map<String, ?> sortOrProjection, String what) {
        InputGuard.checkFilter(sortOrProjection, this, what);
        return Bsons.copy(sortOrProjection);
    }

    /** @param document a document to insert @return it, checked, carrying the tenant field when row-level */
    Document newDocument(Map<String, ?> document) {
        InputGuard.checkDocument(document, this);
        Document d = Bsons.copy(document);
        if (rowLevel()) {
            d.put(settings.tenantField(), tenant.value());
        }
        return d;
    }

    /**
     * @param update the caller's update operators
     * @param upsert whether it may insert
     * @return the update, checked; when row-level and upserting, it sets the tenant field on insert
     */
    Document update(Map<String, ?> update, boolean upsert) {
        InputGuard.checkUpdate(update, this);
        Document u = Bsons.copy(update);
        if (rowLevel() && upsert) {
            Object existing = u.get("$setOnInsert");
            Document setOnInsert = existing == null ? new Document() : Bsons.copy(asMap(existing));
            setOnInsert.put(settings.tenantField(), tenant.value());
            u.put("$setOnInsert", setOnInsert);
        }
        return u;
    }

    /**
     * @param keys    index keys in order
     * @param options index options, may be {@code null}
     * @return the keys to create: under row-level security with the tenant field first
     */
    Document indexKeys(Map<String, ?> keys, IndexOptions options) {
        if (keys == null || keys.isEmpty()) {
            throw new DataAccessException("an index needs at least one key", tenant, DatabaseType.MONGODB, null);
        }
        InputGuard.checkFilter(keys, this, "index keys");
        if (options != null) {
            if (options.getName() != null) {
                InputGuard.checkName("index", options.getName(), tenant);
            }
            if (options.getPartialFilterExpression() != null) {
                InputGuard.checkFilter(options.getPartialFilterExpression(), this, "partial filter expression");
            }
        }
        Document k = Bsons.copy(keys);
        if (!rowLevel()) {
            return k;
        }
        boolean ttl = options != null && options.getExpireAfter(TimeUnit.SECONDS) != null;
        if (ttl && keys.size() == 1) {
            if (options.isUnique()) {
                throw new UnsupportedFeatureException("a unique TTL index cannot be unique per tenant under ROW_LEVEL_SECURITY"
                        + " (TTL indexes have a single key): use a separate unique index", tenant, DatabaseType.MONGODB, null);
            }
            return k;
        }
        Document withTenant = new Document(settings.tenantField(), 1);
        withTenant.putAll(k);
        return withTenant;
    }

    /** @param pipeline the caller's stages @return the stages confined to the tenant */
    List<Document> pipeline(List<? extends Map<String, ?>> pipeline) {
        return PipelineRewriter.rewrite(pipeline, this, true);
    }

    /**
     * @param document a document from the server, changed in place
     * @return it, without the tenant field (anywhere) when row-level
     */
    Map<String, Object> strip(Document document) {
        if (rowLevel()) {
            Bsons.stripDeep(document, settings.tenantField());
        }
        return document;
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> asMap(Object o) {
        if (o instanceof Map) {
            return (Map<String, Object>) o;
        }
        throw new DataAccessException("$setOnInsert needs a document of fields", tenant, DatabaseType.MONGODB, null);
    }
}
