package io.tenantdb.testkit.tck;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.MissingTenantException;
import io.tenantdb.core.session.SearchHit;
import io.tenantdb.core.session.SearchSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.util.List;
import java.util.stream.Collectors;

import static io.tenantdb.testkit.tck.TckSupport.STEP;
import static io.tenantdb.testkit.tck.TckSupport.all;
import static io.tenantdb.testkit.tck.TckSupport.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every {@link SearchSession} engine and isolation strategy passes, including the
 * cross-tenant contract. Documents in the logical index {@link #index()} have {@code title} (text)
 * and {@code n} (integer).
 */
public interface SearchSessionTck {

    /** Shared JSON mapper. */
    ObjectMapper JSON = new ObjectMapper();

    /** @return a running TenantDb on which both tenants are provisioned */
    TenantDb tenantDb();

    /** @return the engine under test */
    default DatabaseType engine() {
        return DatabaseType.ELASTICSEARCH;
    }

    /** @return the first tenant */
    TenantId tenantA();

    /** @return the second tenant */
    TenantId tenantB();

    /** @return the logical index the TCK uses */
    default String index() {
        return "tck_tracks";
    }

    /**
     * Creates (when needed) and empties the logical index for a tenant; for a shared strategy only
     * the tenant's documents.
     *
     * @param tenant the tenant
     * @return completes when done and refreshed
     */
    Mono<Void> resetIndex(TenantId tenant);

    /** @return the session under test */
    default SearchSession search() {
        return tenantDb().search(engine());
    }

    /** Empties both tenants' index before each test. */
    @BeforeEach
    default void resetBothTenants() {
        as(tenantA(), resetIndex(tenantA()));
        as(tenantB(), resetIndex(tenantB()));
    }

    /** @param title a title @param n a number @return a document */
    default ObjectNode doc(String title, int n) {
        return JSON.createObjectNode().put("title", title).put("n", n);
    }

    /** @return a match_all query */
    default ObjectNode matchAll() {
        ObjectNode q = JSON.createObjectNode();
        q.putObject("match_all");
        return q;
    }

    /**
     * @param tenant the tenant
     * @param count  documents with ids d1..dN
     * @param title  title prefix
     */
    default void indexDocs(TenantId tenant, int count, String title) {
        Flux<SearchHit> docs = Flux.range(1, count).map(i -> new SearchHit(index(), "d" + i, Double.NaN, doc(title + " " + i, i)));
        assertThat(as(tenant, search().bulk(index(), docs))).isEqualTo((long) count);
        as(tenant, search().refresh(index()));
    }

    /** @param tenant the tenant @return ids of every document the tenant can find */
    default List<String> ids(TenantId tenant) {
        return all(tenant, search().search(index(), matchAll())).stream().map(SearchHit::id).sorted().collect(Collectors.toList());
    }

    @Test
    default void tck_indexGetSearchCount() {
        as(tenantA(), search().index(index(), "one", doc("so what", 1)));
        as(tenantA(), search().refresh(index()));
        ObjectNode got = as(tenantA(), search().get(index(), "one"));
        assertThat(got.get("title").asText()).isEqualTo("so what");
        assertThat(got.has("tenant_id")).as("tenant bookkeeping leaked into the source").isFalse();
        ObjectNode match = JSON.createObjectNode();
        match.putObject("match").put("title", "what");
        List<SearchHit> hits = all(tenantA(), search().search(index(), match));
        assertThat(hits).extracting(SearchHit::id).containsExactly("one");
        assertThat(hits.get(0).index()).isEqualTo(index());
        assertThat(as(tenantA(), search().count(index(), matchAll()))).isEqualTo(1L);
    }

    @Test
    default void tck_tenantBCannotReadCountOrDeleteTenantADocuments() {
        indexDocs(tenantA(), 5, "secret");
        assertThat(ids(tenantB())).isEmpty();
        assertThat(as(tenantB(), search().count(index(), matchAll()))).isZero();
        assertThat(as(tenantB(), search().get(index(), "d1"))).isNull();
        assertThat(as(tenantB(), search().delete(index(), "d1"))).isFalse();
        as(tenantA(), search().refresh(index()));
        assertThat(ids(tenantA())).hasSize(5);
    }

    @Test
    default void tck_sameIdsInTwoTenantsStayApart() {
        as(tenantA(), search().index(index(), "same", doc("from a", 1)));
        as(tenantB(), search().index(index(), "same", doc("from b", 2)));
        assertThat(as(tenantA(), search().get(index(), "same")).get("title").asText()).isEqualTo("from a");
        assertThat(as(tenantB(), search().get(index(), "same")).get("title").asText()).isEqualTo("from b");
    }

    @Test
    default void tck_searchStreamsEveryHitWithBackPressure() {
        indexDocs(tenantA(), 1_200, "bulk");
        indexDocs(tenantB(), 10, "other");
        assertThat(ids(tenantA())).hasSize(1_200).doesNotHaveDuplicates();
        StepVerifier.create(search().search(index(), matchAll()).contextWrite(TenantContext.of(tenantA())), 0)
                .thenRequest(2).expectNextCount(2).thenCancel().verify(STEP);
    }

    @Test
    default void tck_deleteOwnDocument() {
        indexDocs(tenantA(), 2, "x");
        assertThat(as(tenantA(), search().delete(index(), "d1"))).isTrue();
        as(tenantA(), search().refresh(index()));
        assertThat(ids(tenantA())).containsExactly("d2");
    }

    @Test
    default void tck_withoutTenantFailsClosed() {
        StepVerifier.create(search().search(index(), matchAll())).expectError(MissingTenantException.class).verify(STEP);
        StepVerifier.create(search().index(index(), "x", doc("x", 1))).expectError(MissingTenantException.class).verify(STEP);
    }
}
