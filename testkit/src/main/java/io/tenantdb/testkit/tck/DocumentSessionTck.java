package io.tenantdb.testkit.tck;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.MissingTenantException;
import io.tenantdb.core.session.DocumentQuery;
import io.tenantdb.core.session.DocumentSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import static io.tenantdb.testkit.tck.TckSupport.STEP;
import static io.tenantdb.testkit.tck.TckSupport.all;
import static io.tenantdb.testkit.tck.TckSupport.as;
import static io.tenantdb.testkit.tck.TckSupport.asLong;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every {@link DocumentSession} engine and isolation strategy passes, including the
 * cross-tenant contract. Documents in the logical collection {@link #collection()} have fields
 * {@code n} (integer), {@code name} (string) and {@code genre} (string).
 */
public interface DocumentSessionTck {

    /** @return a running TenantDb on which both tenants are provisioned */
    TenantDb tenantDb();

    /** @return the engine under test */
    default DatabaseType engine() {
        return DatabaseType.MONGODB;
    }

    /** @return the first tenant */
    TenantId tenantA();

    /** @return the second tenant */
    TenantId tenantB();

    /** @return the logical collection the TCK uses */
    default String collection() {
        return "tck_tracks";
    }

    /** @return the session under test */
    default DocumentSession docs() {
        return tenantDb().documents(engine());
    }

    /** Deletes both tenants' documents before each test. */
    @BeforeEach
    default void resetBothTenants() {
        as(tenantA(), docs().deleteMany(collection(), Map.of()));
        as(tenantB(), docs().deleteMany(collection(), Map.of()));
    }

    /**
     * @param tenant the tenant
     * @param count  how many documents, n = 1..count
     * @param name   name prefix
     */
    default void insertDocs(TenantId tenant, int count, String name) {
        Flux<Map<String, Object>> docs = Flux.range(1, count).map(i -> {
            Map<String, Object> d = new HashMap<>();
            d.put("n", i);
            d.put("name", name + i);
            d.put("genre", i % 2 == 0 ? "rock" : "jazz");
            return d;
        });
        assertThat(as(tenant, docs().insertMany(collection(), docs))).isEqualTo((long) count);
    }

    /** @param tenant the tenant @return its names sorted by n */
    default List<String> names(TenantId tenant) {
        return all(tenant, docs().find(collection(), DocumentQuery.filter(Map.of()).sort(Map.of("n", 1))))
                .stream().map(d -> (String) d.get("name")).collect(Collectors.toList());
    }

    @Test
    default void tck_insertFindSortLimitProject() {
        insertDocs(tenantA(), 5, "a");
        Object id = as(tenantA(), docs().insert(collection(), new HashMap<>(Map.of("n", 6, "name", "a6", "genre", "pop"))));
        assertThat(id).isNotNull();
        List<Map<String, Object>> top = all(tenantA(), docs().find(collection(),
                DocumentQuery.filter(Map.of("genre", "jazz")).sort(Map.of("n", -1)).limit(2).projection(Map.of("name", 1))));
        assertThat(top).extracting(d -> d.get("name")).containsExactly("a5", "a3");
        assertThat(top.get(0)).doesNotContainKey("genre");
        assertThat(as(tenantA(), docs().findOne(collection(), Map.of("n", 6))).get("name")).isEqualTo("a6");
        assertThat(as(tenantA(), docs().count(collection(), Map.of()))).isEqualTo(6L);
    }

    @Test
    default void tck_returnedDocumentsCarryNoTenantBookkeeping() {
        insertDocs(tenantA(), 1, "a");
        Map<String, Object> doc = as(tenantA(), docs().findOne(collection(), Map.of("n", 1)));
        assertThat(doc.keySet()).containsOnly("_id", "n", "name", "genre");
    }

    @Test
    default void tck_tenantBCannotReadCountUpdateOrDeleteTenantADocuments() {
        insertDocs(tenantA(), 4, "secret_a");
        assertThat(names(tenantB())).isEmpty();
        assertThat(as(tenantB(), docs().count(collection(), Map.of()))).isZero();
        assertThat(as(tenantB(), docs().findOne(collection(), Map.of("n", 1)))).isNull();
        assertThat(as(tenantB(), docs().updateMany(collection(), Map.of(), Map.of("$set", Map.of("name", "hijacked")), false))).isZero();
        assertThat(as(tenantB(), docs().deleteMany(collection(), Map.of("n", 1)))).isZero();
        List<Map<String, Object>> grouped = all(tenantB(), docs().aggregate(collection(),
                List.of(Map.of("$group", Map.of("_id", "$genre", "c", Map.of("$sum", 1))))));
        assertThat(grouped).isEmpty();
        assertThat(names(tenantA())).containsExactly("secret_a1", "secret_a2", "secret_a3", "secret_a4");
    }

    @Test
    default void tck_upsertAndUpdateStayInTheTenant() {
        insertDocs(tenantA(), 2, "a");
        as(tenantB(), docs().updateMany(collection(), Map.of("n", 1), Map.of("$set", Map.of("name", "b_upserted")), true));
        assertThat(names(tenantB())).containsExactly("b_upserted");
        assertThat(names(tenantA())).containsExactly("a1", "a2");
        assertThat(as(tenantA(), docs().updateMany(collection(), Map.of("n", 2), Map.of("$set", Map.of("name", "a_two")), false))).isEqualTo(1L);
        assertThat(names(tenantA())).containsExactly("a1", "a_two");
    }

    @Test
    default void tck_aggregateSeesOnlyTheTenant() {
        insertDocs(tenantA(), 6, "a");
        insertDocs(tenantB(), 2, "b");
        List<Map<String, Object>> byGenre = all(tenantA(), docs().aggregate(collection(),
                List.of(Map.of("$group", Map.of("_id", "$genre", "c", Map.of("$sum", 1))), Map.of("$sort", Map.of("_id", 1)))));
        assertThat(byGenre).extracting(d -> d.get("_id")).containsExactly("jazz", "rock");
        assertThat(byGenre).extracting(d -> asLong(d.get("c"))).containsExactly(3L, 3L);
    }

    @Test
    default void tck_streamsWithBackPressureAndCancelReleases() {
        insertDocs(tenantA(), 300, "a");
        AtomicInteger emitted = new AtomicInteger();
        StepVerifier.create(docs().find(collection(), DocumentQuery.filter(Map.of()).sort(Map.of("n", 1)))
                        .doOnNext(d -> emitted.incrementAndGet())
                        .contextWrite(TenantContext.of(tenantA())), 0)
                .thenRequest(3)
                .expectNextCount(3)
                .thenCancel()
                .verify(STEP);
        assertThat(emitted.get()).isEqualTo(3);
        for (int i = 0; i < 20; i++) {
            assertThat(all(tenantA(), docs().find(collection(), Map.of()).take(2))).hasSize(2);
        }
        assertThat(as(tenantA(), docs().count(collection(), Map.of()))).isEqualTo(300L);
    }

    @Test
    default void tck_withoutTenantFailsClosed() {
        StepVerifier.create(docs().find(collection(), Map.of()))
                .expectError(MissingTenantException.class)
                .verify(STEP);
        StepVerifier.create(docs().insert(collection(), Map.of("n", 1)))
                .expectError(MissingTenantException.class)
                .verify(STEP);
    }

    @Test
    default void tck_interleavedTenantsNeverSeeEachOther() {
        Flux.range(1, 100).flatMap(i -> {
            TenantId t = i % 2 == 0 ? tenantA() : tenantB();
            return docs().insert(collection(), new HashMap<>(Map.of("n", i, "name", t.value(), "genre", "x")))
                    .contextWrite(TenantContext.of(t));
        }, 8).blockLast(STEP);
        List<Object> foreign = Flux.range(1, 50).flatMap(i -> {
            TenantId t = i % 2 == 0 ? tenantA() : tenantB();
            return docs().find(collection(), Map.of()).map(d -> d.get("name"))
                    .filter(name -> !t.value().equals(name))
                    .contextWrite(TenantContext.of(t));
        }, 8).collectList().block(STEP);
        assertThat(foreign).isEmpty();
        assertThat(as(tenantA(), docs().count(collection(), Map.of()))).isEqualTo(50L);
    }

    @Test
    default void tck_operatorInjectionInAPlainValueIsRefused() {
        insertDocs(tenantA(), 2, "a");
        StepVerifier.create(docs().find(collection(), Map.of("$where", "true")).contextWrite(TenantContext.of(tenantB())))
                .expectError()
                .verify(STEP);
        assertThat(names(tenantB())).isEmpty();
        assertThat(names(tenantA())).hasSize(2);
    }
}
