package io.tenantdb.benchmarks.cases;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import org.bson.Document;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.Filters;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;

import io.tenantdb.benchmarks.BenchCase;
import io.tenantdb.benchmarks.internal.Bench;
import io.tenantdb.benchmarks.internal.Side;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.session.DocumentSession;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import java.util.function.Function;

import reactor.util.context.Context;

/**
 * {@code mongo_findone_raw}: findOne by {@code _id} through tenantdb (collection-prefix strategy) ÷ the raw
 * reactive driver, same server, same pool size, 64 in flight. The server is the testkit's in-process MongoDB
 * wire-protocol server (mongo-java-server, memory backend) unless a real one is configured: its own cost
 * dominates, so the ratio mostly shows tenantdb's relative overhead over a cheap server.
 */
final class MongoCases implements BenchCase {

    private static final int DOCS = 1_000;

    @Override
    public List<String> ids() {
        return List.of("mongo_findone_raw");
    }

    @Override
    public void run(Bench bench) {
        ServerEndpoint server = TestServers.mongodb();
        TenantId tenant = TenantId.of("bench_a");
        TenantDb db = Common.tenantDb(DatabaseType.MONGODB, Common.config(DatabaseType.MONGODB, server, "bench", IsolationStrategy.SCHEMA_PER_TENANT))
                .build();
        MongoClient raw = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(uri(server)))
                .applyToConnectionPoolSettings(p -> p.maxSize(Common.POOL).minSize(Common.POOL)
                        .maxWaitTime(30, TimeUnit.SECONDS))
                .build());
        try {
            Function<Context, Context> ctx = TenantContext.of(tenant);
            DocumentSession docs = db.documents(DatabaseType.MONGODB);
            db.deprovision(tenant).then(db.provision(tenant)).block(Common.WAIT);
            docs.insertMany("tracks", Flux.range(0, DOCS).map(i -> Map.<String, Object>of("_id", i, "title", "track " + i)))
                    .contextWrite(ctx).block(Common.WAIT);
            MongoCollection<Document> coll = raw.getDatabase("bench_raw").getCollection("tracks");
            Mono.from(coll.drop()).then(Flux.from(coll.insertMany(
                    Flux.range(0, DOCS).map(i -> new Document("_id", i).append("title", "track " + i)).collectList()
                            .block(Common.WAIT))).then()).block(Common.WAIT);
            bench.compare("mongo_findone_raw",
                    Side.of("tenantdb findOne", () -> docs.findOne("tracks", Map.of("_id", next())).contextWrite(ctx)),
                    Side.of("raw driver find().first()", () -> coll.find(Filters.eq("_id", next())).first()),
                    Common.IN_FLIGHT, "ops");
            db.deprovision(tenant).block(Common.WAIT);
            Mono.from(coll.drop()).block(Common.WAIT);
        } finally {
            raw.close();
            db.close();
        }
    }

    private static int next() {
        return ThreadLocalRandom.current().nextInt(DOCS);
    }

    private static String uri(ServerEndpoint s) {
        String auth = s.user() == null || s.user().isEmpty() ? "" : s.user() + ":" + s.password() + "@";
        return "mongodb://" + auth + s.host() + ":" + s.port() + "/";
    }
}
