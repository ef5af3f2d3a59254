package io.tenantdb.mongodb;

import com.mongodb.reactivestreams.client.MongoDatabase;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.IsolationViolationException;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The engine configured from a configuration directory: a row-level base with its own tenant field,
 * and one tenant with its own database through its tenant file — two strategies in one engine.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MongoConfigDirectoryIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private final TenantId free = TenantId.of("cfg_free");
    private final TenantId premium = TenantId.of("cfg_premium");
    private TenantDb db;
    private MongoDocumentSession docs;

    @BeforeAll
    void start(@TempDir Path dir) throws IOException {
        ServerEndpoint mongo = TestServers.mongodb();
        Files.writeString(dir.resolve("mongodb.yml"), String.join("\n",
                "connection:",
                "  hosts:",
                "    - host: " + mongo.host(),
                "      port: " + mongo.port(),
                "  database: cfg_shared",
                mongo.user() == null ? "" : "  user: " + mongo.user() + "\n  password: \"${env:TDB_TEST_MONGO_PASSWORD}\"",
                "tenant_isolation:",
                "  strategy: row_level_security",
                "  prefix: \"tenant_{{tenant_id}}_\"",
                "mongodb:",
                "  tenant_field: owner",
                "  insert_batch_size: 2",
                "  server_selection_timeout: 5s",
                ""));
        Path premiumDir = Files.createDirectories(dir.resolve("tenants").resolve(premium.value()));
        Files.writeString(premiumDir.resolve("mongodb.yml"), "tenant_isolation:\n  strategy: database_per_tenant\n");
        db = TenantDb.builder().configDirectory(dir).environmentVariables(mongo.user() == null ? Map.of()
                : Map.of("TDB_TEST_MONGO_PASSWORD", mongo.password())).engines(DatabaseType.MONGODB).build();
        docs = db.session(DatabaseType.MONGODB, MongoDocumentSession.class);
        for (TenantId t : List.of(free, premium)) {
            db.deprovision(t).then(db.provision(t)).block(WAIT);
        }
    }

    @AfterAll
    void stop() {
        if (db != null) {
            Flux.just(free, premium).concatMap(db::deprovision).then().block(WAIT);
            db.close();
        }
    }

    @Test
    void eachTenantGetsItsOwnStrategyAndSeesOnlyItsDocuments() {
        for (TenantId t : List.of(free, premium)) {
            Long n = docs.insertMany("tracks", Flux.range(0, 5).map(i -> Map.<String, Object>of("i", i, "who", t.value())))
                    .contextWrite(TenantContext.of(t)).block(WAIT);
            assertThat(n).isEqualTo(5);
        }
        for (TenantId t : List.of(free, premium)) {
            List<Object> who = docs.find("tracks", Map.of()).map(d -> d.get("who"))
                    .contextWrite(TenantContext.of(t)).collectList().block(WAIT);
            assertThat(who).hasSize(5).containsOnly(t.value());
        }
        String name = docs.withNative(MongoDatabase.class, d -> Flux.just(d.getName()))
                .contextWrite(TenantContext.of(premium)).blockLast(WAIT);
        assertThat(name).isEqualTo("tenant_" + premium.value());
    }

    @Test
    void theConfiguredTenantFieldIsTheReservedOne() {
        StepVerifier.create(docs.insert("tracks", Map.of("owner", "someone else")).contextWrite(TenantContext.of(free)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IsolationViolationException.class)
                        .hasMessageContaining("'owner'"))
                .verify(WAIT);
        Object mine = docs.insert("notes", Map.of("x", 1)).contextWrite(TenantContext.of(free)).block(WAIT);
        assertThat(docs.findOne("notes", Map.of("_id", mine)).contextWrite(TenantContext.of(free)).block(WAIT))
                .containsEntry("x", 1).doesNotContainKey("owner");
        // under its own database the field is an ordinary one
        Object id = docs.insert("notes", Map.of("owner", "me")).contextWrite(TenantContext.of(premium)).block(WAIT);
        assertThat(docs.findOne("notes", Map.of("_id", id)).contextWrite(TenantContext.of(premium)).block(WAIT))
                .containsEntry("owner", "me");
    }
}
