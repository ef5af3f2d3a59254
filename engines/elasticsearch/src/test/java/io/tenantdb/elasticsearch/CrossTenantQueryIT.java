package io.tenantdb.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.IsolationViolationException;
import io.tenantdb.core.exception.NotProvisionedException;
import io.tenantdb.core.session.SearchHit;
import io.tenantdb.testkit.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.tenantdb.testkit.tck.TckSupport.all;
import static io.tenantdb.testkit.tck.TckSupport.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Crafted requests of one tenant that try to reach another tenant's documents, for every strategy: they are
 * refused, or they find only the tenant's own documents.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CrossTenantQueryIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INDEX = "songs";
    private static final TenantId ALICE = TenantId.of("alice");
    private static final TenantId MALLORY = TenantId.of("mallory");

    private final Map<IsolationStrategy, TenantDb> dbs = new EnumMap<>(IsolationStrategy.class);

    @BeforeAll
    void start() {
        for (IsolationStrategy strategy : IsolationStrategy.values()) {
            TenantDb db = EsTestSupport.tenantDb(strategy, "x" + strategy.ordinal() + "_{{tenant_id}}_");
            dbs.put(strategy, db);
            for (TenantId tenant : List.of(ALICE, MALLORY)) {
                ElasticsearchSession es = session(strategy);
                as(tenant, es.createIndex(INDEX, null, null).then(es.deleteByQuery(INDEX, null)));
            }
            as(ALICE, session(strategy).bulk(INDEX, Flux.range(1, 20).map(i -> new SearchHit(INDEX, "s" + i,
                    Double.NaN, JSON.createObjectNode().put("title", "secret song " + i).put("n", i)))));
            as(MALLORY, session(strategy).index(INDEX, "m1", JSON.createObjectNode().put("title", "mine").put("n", 1)));
            as(ALICE, session(strategy).refresh(INDEX));
            as(MALLORY, session(strategy).refresh(INDEX));
        }
    }

    @AfterAll
    void stop() {
        dbs.values().forEach(db -> {
            db.deprovision(ALICE).block(Duration.ofSeconds(60));
            db.deprovision(MALLORY).block(Duration.ofSeconds(60));
            db.close();
        });
    }

    private ElasticsearchSession session(IsolationStrategy strategy) {
        return dbs.get(strategy).session(DatabaseType.ELASTICSEARCH, ElasticsearchSession.class);
    }

    private ObjectNode json(String text) throws Exception {
        return (ObjectNode) JSON.readTree(text);
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void queriesThatReachOtherIndicesOrRunCodeAreRefused(IsolationStrategy strategy) throws Exception {
        ElasticsearchSession es = session(strategy);
        String aliceIndex = "x" + strategy.ordinal() + "_alice_-" + INDEX;
        List<String> crafted = List.of(
                "{\"terms\":{\"n\":{\"index\":\"" + aliceIndex + "\",\"id\":\"s1\",\"path\":\"n\"}}}",
                "{\"term\":{\"_index\":\"" + aliceIndex + "\"}}",
                "{\"wrapper\":{\"query\":\"eyJtYXRjaF9hbGwiOnt9fQ==\"}}",
                "{\"script\":{\"script\":{\"source\":\"true\"}}}",
                "{\"function_score\":{\"query\":{\"match_all\":{}},\"script_score\":{\"script\":\"1\"}}}",
                "{\"more_like_this\":{\"like\":[{\"_index\":\"" + aliceIndex + "\",\"_id\":\"s1\"}]}}",
                "{\"term\":{\"tenant_id\":\"alice\"}}",
                "{\"geo_shape\":{\"loc\":{\"indexed_shape\":{\"index\":\"" + aliceIndex + "\",\"id\":\"s1\"}}}}");
        for (String query : crafted) {
            ObjectNode q = json(query);
            assertThatThrownBy(() -> all(MALLORY, es.search(INDEX, q)))
                    .as(query).isInstanceOf(IsolationViolationException.class)
                    .hasMessageContaining("tenant=mallory").hasMessageContaining("engine=elasticsearch");
            assertThatThrownBy(() -> as(MALLORY, es.count(INDEX, q))).as(query)
                    .isInstanceOf(IsolationViolationException.class);
            assertThatThrownBy(() -> as(MALLORY, es.deleteByQuery(INDEX, q))).as(query)
                    .isInstanceOf(IsolationViolationException.class);
        }
        assertThat(as(ALICE, es.count(INDEX, null))).as("alice's documents untouched").isEqualTo(20L);
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void indexNamesOtherThanPlainLogicalNamesAreRefused(IsolationStrategy strategy) {
        ElasticsearchSession es = session(strategy);
        String aliceIndex = "x" + strategy.ordinal() + "_alice_-" + INDEX;
        for (String name : List.of("*", INDEX + "*", INDEX + ",other", aliceIndex, "_all",
                "tenantdb-shared-" + INDEX, "../" + INDEX, "Songs", "")) {
            assertThatThrownBy(() -> all(MALLORY, es.search(name, null))).as(name)
                    .isInstanceOf(IsolationViolationException.class);
            assertThatThrownBy(() -> as(MALLORY, es.get(name, "s1"))).as(name)
                    .isInstanceOf(IsolationViolationException.class);
        }
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void queriesThatTryToLiftTheTenantFilterFindOnlyOwnDocuments(IsolationStrategy strategy) throws Exception {
        ElasticsearchSession es = session(strategy);
        for (String query : List.of(
                "{\"match_all\":{}}",
                "{\"bool\":{\"should\":[{\"match_all\":{}}],\"minimum_should_match\":0}}",
                "{\"bool\":{\"must_not\":[{\"term\":{\"title\":\"nothing\"}}]}}",
                "{\"query_string\":{\"query\":\"*:* OR _index:*alice* OR secret\"}}",
                "{\"ids\":{\"values\":[\"s1\",\"alice:s1\",\"m1\"]}}",
                "{\"match\":{\"title\":\"secret\"}}")) {
            List<String> ids = all(MALLORY, es.search(INDEX, json(query))).stream().map(SearchHit::id)
                    .collect(Collectors.toList());
            assertThat(ids).as(query).allMatch(id -> id.equals("m1"));
            assertThat(as(MALLORY, es.count(INDEX, json(query)))).as(query).isLessThanOrEqualTo(1L);
        }
        assertThat(as(MALLORY, es.get(INDEX, "s1"))).isNull();
        assertThat(as(MALLORY, es.update(INDEX, "s1", JSON.createObjectNode().put("title", "pwned")))).isFalse();
        assertThat(as(MALLORY, es.delete(INDEX, "s1"))).isFalse();
        assertThat(as(ALICE, es.get(INDEX, "s1")).get("title").asText()).isEqualTo("secret song 1");
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void aCallerCannotSetTheTenantField(IsolationStrategy strategy) {
        ElasticsearchSession es = session(strategy);
        ObjectNode forged = JSON.createObjectNode().put("tenant_id", "alice").put("title", "forged");
        assertThatThrownBy(() -> as(MALLORY, es.index(INDEX, "f1", forged)))
                .isInstanceOf(IsolationViolationException.class).hasMessageContaining("tenant_id");
        assertThatThrownBy(() -> as(MALLORY, es.bulk(INDEX, Flux.just(new SearchHit(INDEX, "f2", Double.NaN, forged)))))
                .isInstanceOf(IsolationViolationException.class);
        assertThatThrownBy(() -> as(MALLORY, es.update(INDEX, "m1", forged)))
                .isInstanceOf(IsolationViolationException.class);
        assertThat(as(ALICE, es.count(INDEX, null))).isEqualTo(20L);
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void bulkHitsAndIdsCannotNameAnotherIndexOrTenant(IsolationStrategy strategy) {
        ElasticsearchSession es = session(strategy);
        String aliceIndex = "x" + strategy.ordinal() + "_alice_-" + INDEX;
        as(MALLORY, es.bulk(INDEX, Flux.just(new SearchHit(aliceIndex, "evil", Double.NaN,
                JSON.createObjectNode().put("title", "planted")))));
        assertThat(as(ALICE, es.get(INDEX, "evil"))).as("the hit's index is ignored").isNull();
        assertThat(as(MALLORY, es.get(INDEX, "evil"))).as("it went to mallory's own index").isNotNull();
        assertThat(as(MALLORY, es.delete(INDEX, "evil"))).isTrue();
        for (String id : List.of("alice:s1", "../" + aliceIndex + "/_doc/s1", "s1?routing=alice", "s1#x")) {
            assertThat(as(MALLORY, es.get(INDEX, id))).as(id).isNull();
        }
        assertThat(as(ALICE, es.count(INDEX, null))).isEqualTo(20L);
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void aliasesStayInsideTheTenant(IsolationStrategy strategy) {
        ElasticsearchSession es = session(strategy);
        as(MALLORY, es.addAlias(INDEX, "favourites"));
        assertThat(all(MALLORY, es.search("favourites", null))).extracting(SearchHit::id).containsExactly("m1");
        assertThat(all(ALICE, es.search("favourites", null).onErrorResume(NotProvisionedException.class,
                e -> Flux.empty()))).as("alice has no such alias").isEmpty();
        assertThat(as(MALLORY, es.removeAlias(INDEX, "favourites"))).isTrue();
        assertThat(as(MALLORY, es.removeAlias(INDEX, "favourites"))).isFalse();
    }

    @org.junit.jupiter.api.Test
    void sharedIndexStoresTenantFieldRoutingAndNamespacedIds() throws Exception {
        // another test's delete is only visible to _search after a refresh (1 s by default)
        HttpClient.create().baseUrl(TestServers.opensearch().httpUrl())
                .post().uri("/tenantdb-shared-" + INDEX + "/_refresh")
                .responseSingle((r, c) -> c.asString()).block(Duration.ofSeconds(30));
        String body = HttpClient.create().baseUrl(TestServers.opensearch().httpUrl())
                .get().uri("/tenantdb-shared-" + INDEX + "/_search?size=100")
                .responseSingle((r, c) -> c.asString()).block(Duration.ofSeconds(30));
        JsonNode hits = JSON.readTree(body).path("hits").path("hits");
        assertThat(hits).hasSize(21);
        for (JsonNode hit : hits) {
            String owner = hit.path("_source").path("tenant_id").asText();
            assertThat(owner).isIn("alice", "mallory");
            assertThat(hit.path("_id").asText()).startsWith(owner + ":");
            assertThat(hit.path("_routing").asText()).isEqualTo(owner);
        }
    }
}
