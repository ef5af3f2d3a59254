package io.tenantdb.elasticsearch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.session.SearchHit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.BitSet;

import static io.tenantdb.testkit.tck.TckSupport.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * 100 000 tiny documents bulk-indexed for two tenants into one shared index; a streamed search gives each tenant
 * exactly its own documents, each once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BulkStreamingIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String INDEX = "plays";
    private static final int PER_TENANT = 50_000;
    private static final TenantId RED = TenantId.of("red");
    private static final TenantId BLUE = TenantId.of("blue");

    private TenantDb db;
    private ElasticsearchSession es;

    @BeforeAll
    void start() {
        db = EsTestSupport.tenantDb(IsolationStrategy.ROW_LEVEL_SECURITY, "bulk_{{tenant_id}}_");
        es = db.session(DatabaseType.ELASTICSEARCH, ElasticsearchSession.class);
        for (TenantId tenant : new TenantId[] {RED, BLUE}) {
            as(tenant, es.createIndex(INDEX, null, null).then(es.deleteByQuery(INDEX, null)));
        }
    }

    @AfterAll
    void stop() {
        if (db != null) {
            db.deprovision(RED).block(Duration.ofSeconds(120));
            db.deprovision(BLUE).block(Duration.ofSeconds(120));
            db.close();
        }
    }

    private static Flux<SearchHit> docs(int tenantNo) {
        return Flux.range(0, PER_TENANT).map(i -> new SearchHit(INDEX, Integer.toString(i), Double.NaN,
                JSON.createObjectNode().put("n", i).put("t", tenantNo)));
    }

    @Test
    void eachTenantStreamsExactlyItsOwnDocuments() {
        assertThat(as(RED, es.bulk(INDEX, docs(1)))).isEqualTo(PER_TENANT);
        assertThat(as(BLUE, es.bulk(INDEX, docs(2)))).isEqualTo(PER_TENANT);
        as(RED, es.refresh(INDEX));

        for (TenantId tenant : new TenantId[] {RED, BLUE}) {
            int tenantNo = tenant.equals(RED) ? 1 : 2;
            BitSet seen = new BitSet(PER_TENANT);
            long[] count = {0};
            StepVerifier.create(es.search(INDEX, null).contextWrite(TenantContext.of(tenant)))
                    .thenConsumeWhile(hit -> {
                        int n = Integer.parseInt(hit.id());
                        assertThat(hit.source().get("t").asInt()).isEqualTo(tenantNo);
                        assertThat(hit.source().get("n").asInt()).isEqualTo(n);
                        assertThat(seen.get(n)).as("hit %s twice", n).isFalse();
                        seen.set(n);
                        count[0]++;
                        return true;
                    })
                    .expectComplete()
                    .verify(Duration.ofMinutes(3));
            assertThat(count[0]).isEqualTo(PER_TENANT);
            assertThat(seen.cardinality()).isEqualTo(PER_TENANT);
            assertThat(as(tenant, es.count(INDEX, null))).isEqualTo(PER_TENANT);
        }
    }
}
