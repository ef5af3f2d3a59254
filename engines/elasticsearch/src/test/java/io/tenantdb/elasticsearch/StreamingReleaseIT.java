package io.tenantdb.elasticsearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.session.SearchHit;
import io.tenantdb.testkit.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.tenantdb.testkit.tck.TckSupport.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Streaming search pages as the subscriber asks, keeps the caller's sort across pages, and closes its point in
 * time when cancelled or completed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StreamingReleaseIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INDEX = "events";
    private static final TenantId TENANT = TenantId.of("streamer");

    private final Map<IsolationStrategy, TenantDb> dbs = new EnumMap<>(IsolationStrategy.class);

    @BeforeAll
    void start() {
        for (IsolationStrategy strategy : IsolationStrategy.values()) {
            TenantDb db = EsTestSupport.tenantDb(strategy, "st" + strategy.ordinal() + "_{{tenant_id}}_");
            dbs.put(strategy, db);
            ElasticsearchSession es = es(strategy);
            as(TENANT, es.createIndex(INDEX, null, null).then(es.deleteByQuery(INDEX, null)));
            as(TENANT, es.bulk(INDEX, Flux.range(0, 95).map(i -> new SearchHit(INDEX, "e" + i, Double.NaN,
                    JSON.createObjectNode().put("n", i)))));
            as(TENANT, es.refresh(INDEX));
        }
    }

    @AfterAll
    void stop() {
        dbs.values().forEach(db -> {
            db.deprovision(TENANT).block(Duration.ofSeconds(60));
            db.close();
        });
    }

    private ElasticsearchSession es(IsolationStrategy strategy) {
        return dbs.get(strategy).session(DatabaseType.ELASTICSEARCH, ElasticsearchSession.class);
    }

    private static int openPointsInTime() throws Exception {
        String body = HttpClient.create().baseUrl(TestServers.opensearch().httpUrl())
                .get().uri("/_search/point_in_time/_all")
                .responseSingle((r, c) -> c.asString()).block(Duration.ofSeconds(30));
        JsonNode pits = JSON.readTree(body).path("pits");
        return pits.size();
    }

    private static int uncheckedOpenPointsInTime() {
        try {
            return openPointsInTime();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @ParameterizedTest
    @EnumSource(IsolationStrategy.class)
    void sortedPagesComeInOrderAndCancelClosesThePointInTime(IsolationStrategy strategy) throws Exception {
        ElasticsearchSession es = es(strategy);
        int before = openPointsInTime();
        SearchOptions byNDesc = new SearchOptions(10, JSON.createArrayNode().add(JSON.createObjectNode().put("n", "desc")));

        List<Integer> all = es.search(INDEX, null, byNDesc).map(hit -> hit.source().get("n").asInt())
                .contextWrite(TenantContext.of(TENANT)).collectList().block(Duration.ofSeconds(60));
        assertThat(all).hasSize(95).isSortedAccordingTo((a, b) -> b - a);
        assertThat(openPointsInTime()).as("closed on completion").isEqualTo(before);

        StepVerifier.create(es.search(INDEX, null, byNDesc).contextWrite(TenantContext.of(TENANT)), 0)
                .thenRequest(3)
                .assertNext(hit -> assertThat(hit.id()).isEqualTo("e94"))
                .expectNextCount(2)
                .then(() -> assertThat(uncheckedOpenPointsInTime()).as("open while streaming").isEqualTo(before + 1))
                .thenCancel()
                .verify(Duration.ofSeconds(30));
        // the close is sent on cancel, asynchronously
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (openPointsInTime() > before && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertThat(openPointsInTime()).as("closed on cancel").isEqualTo(before);

        List<String> firstPage = es.search(INDEX, null, byNDesc).take(10).map(SearchHit::id)
                .contextWrite(TenantContext.of(TENANT)).collectList().block(Duration.ofSeconds(30));
        assertThat(firstPage).isEqualTo(List.of(94, 93, 92, 91, 90, 89, 88, 87, 86, 85).stream()
                .map(i -> "e" + i).collect(Collectors.toList()));
    }
}
