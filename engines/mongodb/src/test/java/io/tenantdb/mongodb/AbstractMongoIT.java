package io.tenantdb.mongodb;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.mongodb.client.model.DeleteOneModel;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.IsolationConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.DataIntegrityException;
import io.tenantdb.core.exception.IsolationViolationException;
import io.tenantdb.core.exception.MissingTenantException;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import io.tenantdb.core.session.DocumentQuery;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import io.tenantdb.testkit.tck.DocumentSessionTck;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The MongoDB engine against the in-process wire-protocol server, through the real reactive driver,
 * for one isolation strategy (chosen by the subclass). Two tenants, {@code a} and {@code b}, share one
 * engine; each test starts from empty tenants. Each subclass also runs the document-session TCK, with
 * its cross-tenant contract, under its strategy.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractMongoIT implements DocumentSessionTck {

    static final Duration WAIT = Duration.ofSeconds(30);

    TenantDb db;
    MongoDocumentSession docs;
    TenantId a;
    TenantId b;

    /** @return the strategy under test */
    abstract IsolationStrategy strategy();

    /** @return a short tag making tenant and database names unique to the subclass */
    abstract String tag();

    static DatabaseConfig config(IsolationStrategy strategy, String database, Map<String, String> options) {
        ServerEndpoint mongo = TestServers.mongodb();
        return DatabaseConfig.builder(DatabaseType.MONGODB)
                .connection(new ConnectionConfig(List.of(NodeAddress.of(mongo.host(), mongo.port())), database, mongo.user(),
                        mongo.password() == null || mongo.password().isEmpty() ? Secret.NONE : Secret.literal(mongo.password()),
                        TlsConfig.DISABLED, Duration.ofSeconds(5), options))
                .isolation(new IsolationConfig(strategy, "tenant_{{tenant_id}}_", "none"))
                .build();
    }

    @Override
    public TenantDb tenantDb() {
        return db;
    }

    @Override
    public TenantId tenantA() {
        return a;
    }

    @Override
    public TenantId tenantB() {
        return b;
    }

    @BeforeAll
    void start() {
        a = TenantId.of(tag() + "_a");
        b = TenantId.of(tag() + "_b");
        db = TenantDb.builder().engines(DatabaseType.MONGODB)
                .engineConfig(config(strategy(), "shared_" + tag(), Map.of()))
                .build();
        docs = db.session(DatabaseType.MONGODB, MongoDocumentSession.class);
    }

    @BeforeEach
    void cleanTenants() {
        for (TenantId t : List.of(a, b)) {
            db.deprovision(t).then(db.provision(t)).block(WAIT);
        }
    }

    @AfterAll
    void stop() {
        if (db != null) {
            Flux.just(a, b).concatMap(db::deprovision).then().block(WAIT);
            db.close();
        }
    }

    <T> Mono<T> as(TenantId tenant, Mono<T> mono) {
        return mono.contextWrite(TenantContext.of(tenant));
    }

    <T> Flux<T> as(TenantId tenant, Flux<T> flux) {
        return flux.contextWrite(TenantContext.of(tenant));
    }

    <T> T block(TenantId tenant, Mono<T> mono) {
        return as(tenant, mono).block(WAIT);
    }

    <T> List<T> list(TenantId tenant, Flux<T> flux) {
        return as(tenant, flux).collectList().block(WAIT);
    }

    static Map<String, Object> doc(Object... kv) {
        Document d = new Document();
        for (int i = 0; i < kv.length; i += 2) {
            d.put((String) kv[i], kv[i + 1]);
        }
        return d;
    }

    void seedTracks(TenantId tenant, String who) {
        Long n = block(tenant, docs.insertMany("tracks", Flux.just(
                doc("title", who + " one", "plays", 10, "genre", "rock"),
                doc("title", who + " two", "plays", 20, "genre", "jazz"),
                doc("title", who + " three", "plays", 30, "genre", "rock"))));
        assertThat(n).isEqualTo(3);
    }

    // ---- CRUD

    @Test
    void insertFindOneReturnsTheDocumentWithItsGeneratedIdAndWithoutTenantField() {
        Object id = block(a, docs.insert("tracks", doc("title", "Song", "plays", 1)));
        assertThat(id).isInstanceOf(ObjectId.class);
        Map<String, Object> found = block(a, docs.findOne("tracks", doc("_id", id)));
        assertThat(found).containsEntry("title", "Song").containsEntry("_id", id).doesNotContainKey("tenantId");
    }

    @Test
    void findAppliesFilterSortProjectionSkipAndLimit() {
        seedTracks(a, "a");
        List<Map<String, Object>> rows = list(a, docs.find("tracks", DocumentQuery.filter(doc("genre", "rock"))
                .sort(doc("plays", -1)).projection(doc("title", 1, "_id", 0)).skip(0).limit(1)));
        assertThat(rows).containsExactly(doc("title", "a three"));
        List<Map<String, Object>> skipped = list(a, docs.find("tracks", DocumentQuery.filter(doc())
                .sort(doc("plays", 1)).skip(1).limit(5)));
        assertThat(skipped).extracting(m -> m.get("title")).containsExactly("a two", "a three");
    }

    @Test
    void updatesUpsertsReplacesAndDeletes() {
        seedTracks(a, "a");
        assertThat(block(a, docs.updateMany("tracks", doc("genre", "rock"), doc("$inc", doc("plays", 1)), false)))
                .isEqualTo(2);
        assertThat(block(a, docs.updateOne("tracks", doc("title", "a two"), doc("$set", doc("genre", "pop")), false)))
                .isEqualTo(1);
        assertThat(block(a, docs.updateOne("tracks", doc("title", "new"), doc("$set", doc("plays", 5)), true)))
                .isEqualTo(1);
        assertThat(block(a, docs.findOne("tracks", doc("title", "new")))).containsEntry("plays", 5)
                .doesNotContainKey("tenantId");
        assertThat(block(a, docs.replaceOne("tracks", doc("title", "new"), doc("title", "newer", "plays", 6), false)))
                .isEqualTo(1);
        Map<String, Object> after = block(a, docs.findOneAndUpdate("tracks", doc("title", "newer"),
                doc("$inc", doc("plays", 10)), false, true));
        assertThat(after).containsEntry("plays", 16).doesNotContainKey("tenantId");
        Map<String, Object> before = block(a, docs.findOneAndUpdate("tracks", doc("title", "newer"),
                doc("$inc", doc("plays", 1)), false, false));
        assertThat(before).containsEntry("plays", 16);
        assertThat(block(a, docs.count("tracks", doc()))).isEqualTo(4);
        assertThat(block(a, docs.deleteOne("tracks", doc("genre", "rock")))).isEqualTo(1);
        assertThat(block(a, docs.deleteMany("tracks", doc()))).isEqualTo(3);
        assertThat(block(a, docs.count("tracks", doc()))).isZero();
    }

    @Test
    void insertManyStreamsInBatches() {
        Flux<Map<String, Object>> many = Flux.range(0, 1_203).map(i -> doc("n", i));
        assertThat(block(a, docs.insertMany("numbers", many))).isEqualTo(1_203);
        assertThat(block(a, docs.count("numbers", doc("n", doc("$gte", 1_200))))).isEqualTo(3);
    }

    @Test
    void findHonoursBackPressureAndCancel() {
        block(a, docs.insertMany("numbers", Flux.range(0, 50).map(i -> doc("n", i))));
        StepVerifier.create(as(a, docs.find("numbers", DocumentQuery.filter(doc()).sort(doc("n", 1)))), 0)
                .expectSubscription()
                .expectNoEvent(Duration.ofMillis(100))
                .thenRequest(3)
                .expectNextMatches(m -> m.get("n").equals(0))
                .expectNextCount(2)
                .expectNoEvent(Duration.ofMillis(100))
                .thenCancel()
                .verify(WAIT);
        // the engine is still usable after the cancelled cursor
        assertThat(block(a, docs.count("numbers", doc()))).isEqualTo(50);
    }

    /** A typed document. */
    public record Track(@JsonProperty("_id") ObjectId id, String title, int plays, Instant released) {
    }

    @Test
    void mapsRecordsWithJackson() {
        Instant released = Instant.parse("2020-01-02T03:04:05Z");
        Object id = block(a, docs.insertValue("tracks", new Track(null, "Typed", 7, released)));
        Track t = block(a, docs.findOne("tracks", doc("_id", id), Track.class));
        assertThat(t).isEqualTo(new Track((ObjectId) id, "Typed", 7, released));
        assertThat(block(a, docs.findOne("tracks", doc("title", "Typed")))).containsEntry("released",
                java.util.Date.from(released));
        assertThat(list(a, docs.find("tracks", DocumentQuery.filter(doc()), Track.class))).hasSize(1);
        assertThat(list(a, docs.aggregate("tracks", List.of(doc("$match", doc("plays", 7))), Track.class)))
                .extracting(Track::title).containsExactly("Typed");
        assertThat(list(b, docs.find("tracks", DocumentQuery.filter(doc()), Track.class))).isEmpty();
    }

    @Test
    void aggregateGroupsOnlyTheTenantsDocuments() {
        seedTracks(a, "a");
        seedTracks(b, "b");
        block(b, docs.insert("tracks", doc("title", "b extra", "plays", 1000, "genre", "rock")));
        List<Map<String, Object>> rows = list(a, docs.aggregate("tracks", List.of(
                doc("$group", doc("_id", "$genre", "total", doc("$sum", "$plays"))),
                doc("$sort", doc("_id", 1)))));
        assertThat(rows).containsExactly(doc("_id", "jazz", "total", 20), doc("_id", "rock", "total", 40));
    }

    @Test
    void lookupSeesOnlyTheTenantsForeignDocuments() {
        // the same artist key in both tenants (not as _id: under ROW_LEVEL_SECURITY _id is unique per collection)
        for (TenantId t : List.of(a, b)) {
            block(t, docs.insert("artists", doc("key", "artist1", "name", t.value() + " artist")));
            block(t, docs.insert("tracks", doc("title", t.value() + " song", "artist", "artist1")));
        }
        List<Map<String, Object>> rows = list(a, docs.aggregate("tracks", List.of(
                doc("$lookup", doc("from", "artists", "localField", "artist", "foreignField", "key", "as", "by")))));
        assertThat(rows).hasSize(1);
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> by = (List<Map<String, Object>>) rows.get(0).get("by");
        assertThat(by).extracting(m -> m.get("name")).containsExactly(a.value() + " artist");
        assertThat(by.get(0)).doesNotContainKey("tenantId");

        List<Map<String, Object>> withPipeline = list(a, docs.aggregate("tracks", List.of(
                doc("$lookup", doc("from", "artists", "pipeline", List.of(doc("$match", doc())), "as", "all")))));
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> all = (List<Map<String, Object>>) withPipeline.get(0).get("all");
        assertThat(all).extracting(m -> m.get("name")).containsExactly(a.value() + " artist");
    }

    @Test
    void unionWithSeesOnlyTheTenantsDocumentsOrIsRefusedByTheServer() {
        for (TenantId t : List.of(a, b)) {
            block(t, docs.insert("artists", doc("name", t.value() + " artist")));
            block(t, docs.insert("tracks", doc("title", t.value() + " song")));
        }
        // mongo-java-server has no $unionWith: then the server's refusal is the outcome; never b's rows.
        List<Object> seen = new ArrayList<>();
        Throwable error = as(a, docs.aggregate("tracks", List.of(doc("$unionWith", "artists"))))
                .doOnNext(seen::add).then().materialize().block(WAIT).getThrowable();
        assertThat(seen.toString()).doesNotContain(b.value());
        if (error == null) {
            assertThat(seen).hasSize(2);
        } else {
            assertThat(error).isInstanceOf(UnsupportedFeatureException.class).hasMessageContaining("unionWith");
        }
    }

    @Test
    void graphLookupSeesOnlyTheTenantsDocumentsOrIsRefusedByTheServer() {
        for (TenantId t : List.of(a, b)) {
            block(t, docs.insert("people", doc("name", "root", "boss", null, "who", t.value())));
            block(t, docs.insert("people", doc("name", "mid", "boss", "root", "who", t.value())));
            block(t, docs.insert("people", doc("name", "leaf", "boss", "mid", "who", t.value())));
        }
        // mongo-java-server has no restrictSearchWithMatch, which row-level security needs: refused there.
        List<Object> seen = new ArrayList<>();
        Throwable error = as(a, docs.aggregate("people", List.of(doc("$match", doc("name", "leaf")),
                        doc("$graphLookup", doc("from", "people", "startWith", "$boss", "connectFromField", "boss",
                                "connectToField", "name", "as", "chain")))))
                .doOnNext(seen::add).then().materialize().block(WAIT).getThrowable();
        assertThat(seen.toString()).doesNotContain(b.value());
        if (error == null) {
            assertThat(seen).hasSize(1);
            assertThat(asMap(seen.get(0)).get("chain")).asList().hasSize(2);
        } else {
            assertThat(error).isInstanceOf(DataAccessException.class).hasMessageContaining("restrictSearchWithMatch");
        }
    }

    @Test
    void geoNearSeesOnlyTheTenantsPlacesOrIsRefusedByTheServer() {
        for (TenantId t : List.of(a, b)) {
            block(t, docs.createIndex("spots", doc("loc", "2dsphere"), null));
            block(t, docs.insert("spots", doc("who", t.value(), "loc", doc("type", "Point", "coordinates", List.of(10.0, 59.0)))));
        }
        List<Object> seen = new ArrayList<>();
        Throwable error = as(a, docs.aggregate("spots", List.of(doc("$geoNear", doc("near",
                        doc("type", "Point", "coordinates", List.of(10.0, 59.0)), "distanceField", "d", "spherical", true)))))
                .doOnNext(seen::add).then().materialize().block(WAIT).getThrowable();
        assertThat(seen.toString()).doesNotContain(b.value());
        if (error == null) {
            assertThat(seen).hasSize(1);
        } else {
            assertThat(error).isInstanceOf(DataAccessException.class);
        }
    }

    // ---- cross-tenant contract

    @Test
    void anotherTenantCannotReadCountUpdateOrDelete() {
        Object id = block(a, docs.insert("secrets", doc("v", "a's secret")));
        assertThat(list(b, docs.find("secrets", doc()))).isEmpty();
        assertThat(block(b, docs.findOne("secrets", doc("_id", id)))).isNull();
        assertThat(block(b, docs.count("secrets", doc()))).isZero();
        assertThat(block(b, docs.updateMany("secrets", doc(), doc("$set", doc("v", "stolen")), false))).isZero();
        assertThat(block(b, docs.findOneAndUpdate("secrets", doc("_id", id), doc("$set", doc("v", "x")), false, true)))
                .isNull();
        assertThat(block(b, docs.replaceOne("secrets", doc("_id", id), doc("v", "x"), false))).isZero();
        assertThat(block(b, docs.deleteMany("secrets", doc()))).isZero();
        assertThat(list(b, docs.aggregate("secrets", List.of(doc("$match", doc()))))).isEmpty();
        assertThat(block(a, docs.findOne("secrets", doc("_id", id)))).containsEntry("v", "a's secret");
    }

    @Test
    void upsertByAnotherTenantCreatesItsOwnDocument() {
        block(a, docs.insert("profiles", doc("_id", "p1", "name", "a")));
        block(b, docs.updateOne("profiles", doc("name", "b"), doc("$set", doc("age", 3)), true));
        assertThat(block(a, docs.count("profiles", doc()))).isEqualTo(1);
        assertThat(block(b, docs.findOne("profiles", doc()))).containsEntry("name", "b").containsEntry("age", 3);
    }

    @Test
    void missingTenantFailsClosed() {
        StepVerifier.create(docs.find("tracks", doc())).expectError(MissingTenantException.class).verify(WAIT);
    }

    // ---- indexes, bulk

    @Test
    void uniqueIndexIsUniquePerTenant() {
        String name = block(a, docs.createIndex("users", doc("email", 1), new IndexOptions().unique(true)));
        block(b, docs.createIndex("users", doc("email", 1), new IndexOptions().unique(true)));
        assertThat(name).isNotBlank();
        block(a, docs.insert("users", doc("email", "x@example.com")));
        block(b, docs.insert("users", doc("email", "x@example.com")));
        StepVerifier.create(as(a, docs.insert("users", doc("email", "x@example.com"))))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DataIntegrityException.class)
                        .hasMessageContaining("tenant=" + a.value()).hasMessageContaining("duplicate key"))
                .verify(WAIT);
    }

    @Test
    void createsCompoundTtlTextPartialAndGeoIndexes() {
        assertThat(block(a, docs.createIndex("places", doc("city", 1, "rank", -1), null))).isNotBlank();
        assertThat(block(a, docs.createIndex("places", doc("seen", 1),
                new IndexOptions().expireAfter(3600L, TimeUnit.SECONDS)))).isNotBlank();
        assertThat(block(a, docs.createIndex("places", doc("name", "text"), null))).isNotBlank();
        assertThat(block(a, docs.createIndex("places", doc("code", 1), new IndexOptions().unique(true)
                .partialFilterExpression(Filters.exists("code"))))).isNotBlank();
        assertThat(block(a, docs.createIndex("places", doc("loc", "2dsphere"), null))).isNotBlank();
        block(a, docs.insert("places", doc("city", "Oslo", "rank", 1, "name", "harbour view",
                "code", "A", "loc", doc("type", "Point", "coordinates", List.of(10.75, 59.91)))));
        // mongo-java-server ignores partial filters, so the second document gets a code of its own
        block(a, docs.insert("places", doc("city", "Oslo", "rank", 2, "code", "B")));
        assertThat(block(a, docs.count("places", doc("city", "Oslo")))).isEqualTo(2);
    }

    @Test
    void bulkWriteIsConfinedToTheTenant() {
        block(b, docs.insert("items", doc("_id", "shared-id", "owner", "b")));
        MongoBulkResult r = block(a, docs.bulkWrite("items", List.of(
                new InsertOneModel<>(new Document("_id", "i1").append("n", 1)),
                new InsertOneModel<>(new Document("_id", "i2").append("n", 2)),
                new UpdateOneModel<>(Filters.eq("_id", "i1"), Updates.inc("n", 10)),
                new UpdateOneModel<>(Filters.eq("_id", "i3"), Updates.set("n", 3), new UpdateOptions().upsert(true)),
                new DeleteOneModel<>(Filters.eq("_id", "i2")),
                new DeleteOneModel<>(Filters.eq("owner", "b"))), true));
        assertThat(r.inserted()).isEqualTo(2);
        assertThat(r.modified()).isEqualTo(1);
        assertThat(r.deleted()).isEqualTo(1);
        assertThat(r.upserted()).containsEntry(3, "i3");
        assertThat(list(a, docs.find("items", DocumentQuery.filter(doc()).sort(doc("_id", 1)))))
                .containsExactly(doc("_id", "i1", "n", 11), doc("_id", "i3", "n", 3));
        assertThat(block(b, docs.count("items", doc()))).isEqualTo(1);
    }

    // ---- GridFS

    @Test
    void gridFsRoundTripIsPerTenant() {
        byte[] content = new byte[300_000];
        for (int i = 0; i < content.length; i++) {
            content[i] = (byte) (i * 31);
        }
        Flux<ByteBuffer> chunks = Flux.range(0, 3).map(i -> ByteBuffer.wrap(content, i * 100_000, 100_000));
        Object id = block(a, docs.upload("media", "song.mp3", chunks, doc("kind", "audio")));
        byte[] back = as(a, docs.download("media", id))
                .reduce(new java.io.ByteArrayOutputStream(), (out, buf) -> {
                    byte[] bytes = new byte[buf.remaining()];
                    buf.get(bytes);
                    out.write(bytes, 0, bytes.length);
                    return out;
                }).map(java.io.ByteArrayOutputStream::toByteArray).block(WAIT);
        assertThat(back).isEqualTo(content);
        assertThat(list(a, docs.files("media", doc("metadata.kind", "audio"))))
                .singleElement().satisfies(f -> {
                    assertThat(f).containsEntry("filename", "song.mp3").containsEntry("length", 300_000L);
                    assertThat(f.get("metadata").toString()).doesNotContain("tenantId");
                });
        assertThat(list(b, docs.files("media", doc()))).isEmpty();
        StepVerifier.create(as(b, docs.download("media", id))).expectError(DataAccessException.class).verify(WAIT);
        StepVerifier.create(as(b, docs.deleteFile("media", id))).expectError(DataAccessException.class).verify(WAIT);
        block(a, docs.deleteFile("media", id));
        assertThat(list(a, docs.files("media", doc()))).isEmpty();
    }

    // ---- change streams

    @Test
    void changeStreamSeesOnlyTheTenantsEvents() {
        StepVerifier.create(as(a, docs.watch("feed", List.of())).take(2))
                .expectSubscription()
                .then(() -> {
                    // give the cursor time to open before writing
                    sleep(300);
                    block(b, docs.insert("feed", doc("msg", "b1")));
                    block(a, docs.insert("feed", doc("msg", "a1")));
                    block(b, docs.insert("feed", doc("msg", "b2")));
                    block(a, docs.updateOne("feed", doc("msg", "a1"), doc("$set", doc("msg", "a2")), false));
                })
                .assertNext(e -> {
                    assertThat(e).containsEntry("operationType", "insert");
                    assertThat(asMap(e.get("fullDocument"))).containsEntry("msg", "a1").doesNotContainKey("tenantId");
                })
                .assertNext(e -> assertThat(e).containsEntry("operationType", "update"))
                .expectComplete()
                .verify(WAIT);
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> asMap(Object o) {
        return (Map<String, Object>) o;
    }

    // ---- transactions

    @Test
    void transactionsCommitOrAreRefusedClearlyOnAServerWithoutThem() {
        Throwable error = as(a, docs.inTransaction(s -> s.insert("tracks", doc("t", 1)))).then().materialize()
                .block(WAIT).getThrowable();
        if (error != null || "embedded".equals(TestServers.mongodb().origin())) {
            // the in-process server (and any standalone server) has no transactions
            assertThat(error).isInstanceOf(UnsupportedFeatureException.class)
                    .hasMessageContaining("transactions").hasMessageContaining("replica set");
            assertThat(block(a, docs.count("tracks", doc()))).isZero();
            return;
        }
        assertThat(block(a, docs.count("tracks", doc()))).isEqualTo(1);
        StepVerifier.create(as(a, docs.inTransaction(s -> s.insert("tracks", doc("t", 2))
                        .then(Mono.error(new IllegalStateException("boom"))))))
                .expectError().verify(WAIT);
        assertThat(block(a, docs.count("tracks", doc()))).isEqualTo(1);
    }

    // ---- untrusted input

    @Test
    void serverSideJavaScriptIsRefused() {
        StepVerifier.create(as(a, docs.find("tracks", doc("$where", "sleep(1000) || true"))))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IsolationViolationException.class)
                        .hasMessageContaining("$where").hasMessageContaining("allow_server_side_js"))
                .verify(WAIT);
        StepVerifier.create(as(a, docs.aggregate("tracks", List.of(doc("$match", doc("$expr",
                        doc("$function", doc("body", "function() { return true; }", "args", List.of(), "lang", "js"))))))))
                .expectError(IsolationViolationException.class).verify(WAIT);
        StepVerifier.create(as(a, docs.aggregate("tracks", List.of(doc("$group", doc("_id", null, "x",
                        doc("$accumulator", doc("init", "function() {}"))))))))
                .expectError(IsolationViolationException.class).verify(WAIT);
    }

    @Test
    void operatorsInStoredFieldNamesAreRefused() {
        StepVerifier.create(as(a, docs.insert("tracks", doc("$set", doc("x", 1)))))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DataAccessException.class)
                        .hasMessageContaining("starts with '$'"))
                .verify(WAIT);
        StepVerifier.create(as(a, docs.insert("tracks", doc("nested", doc("$where", "x")))))
                .expectError().verify(WAIT);
        StepVerifier.create(as(a, docs.updateMany("tracks", doc(), doc("title", "not an operator"), false)))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("not an update operator"))
                .verify(WAIT);
        assertThat(block(a, docs.count("tracks", doc()))).isZero();
    }

    @Test
    void badCollectionNamesAreRefused() {
        for (String bad : List.of("a/b", "a\\b", "a.b", "a b", "a\"b", "a$b", "a*b", "a<b", "a>b", "a:b", "a|b", "a?b",
                "a\0b", "", "x".repeat(64), "system.users", "é".repeat(32))) {
            StepVerifier.create(as(a, docs.count(bad, doc())))
                    .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(DataAccessException.class)
                            .hasMessageContaining("collection name").hasMessageContaining("tenant=" + a.value()))
                    .verify(WAIT);
        }
        assertThat(block(a, docs.count("x".repeat(63), doc()))).isZero();
    }

    @Test
    void collectionNamesDifferingOnlyInCaseAreRefused() {
        block(a, docs.insert("Playlists", doc("n", 1)));
        StepVerifier.create(as(a, docs.insert("playlists", doc("n", 2))))
                .expectErrorSatisfies(e -> assertThat(e).hasMessageContaining("differs only in case"))
                .verify(WAIT);
    }

    @Test
    void safeFiltersRefuseOperatorValuesAndCompareLiterally() {
        block(a, docs.insert("users", doc("name", "alice", "password", "s3cret")));
        assertThatThrownBy(() -> MongoFilters.eq("password", doc("$ne", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("$ne");
        assertThat(block(a, docs.findOne("users", MongoFilters.eq("password", "s3cret")))).containsEntry("name", "alice");
        assertThat(block(a, docs.findOne("users", MongoFilters.eq("name", List.of("alice"))))).isNull();
        StepVerifier.create(as(a, docs.download("media", doc("$gt", "")))).expectError(IsolationViolationException.class)
                .verify(WAIT);
    }

    // ---- provisioning

    @Test
    void deprovisionRemovesOnlyThatTenantAndIsIdempotent() {
        seedTracks(a, "a");
        seedTracks(b, "b");
        block(a, docs.upload("media", "f", Flux.just(ByteBuffer.wrap("x".getBytes(StandardCharsets.UTF_8))), doc()));
        db.deprovision(a).block(WAIT);
        db.deprovision(a).block(WAIT);
        assertThat(block(a, docs.count("tracks", doc()))).isZero();
        assertThat(list(a, docs.files("media", doc()))).isEmpty();
        assertThat(block(b, docs.count("tracks", doc()))).isEqualTo(3);
        db.provision(a).block(WAIT);
        db.provision(a).block(WAIT);
        assertThat(block(a, docs.count("tracks", doc()))).isZero();
    }

    @Test
    void healthReportsTheNodeUp() {
        assertThat(db.health().collectList().block(WAIT)).isNotEmpty()
                .allSatisfy(h -> assertThat(h.status()).isEqualTo(io.tenantdb.core.spi.Health.Status.UP));
    }

}
