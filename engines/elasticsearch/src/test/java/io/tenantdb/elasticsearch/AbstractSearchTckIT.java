package io.tenantdb.elasticsearch;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.testkit.tck.SearchSessionTck;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Mono;

import java.time.Duration;

/** The search TCK on the testkit's OpenSearch node, for one isolation strategy. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class AbstractSearchTckIT implements SearchSessionTck {

    private TenantDb db;

    /** @return the strategy under test */
    abstract IsolationStrategy strategy();

    /** @return a prefix template no other IT class uses */
    abstract String prefixTemplate();

    @BeforeAll
    void start() {
        db = EsTestSupport.tenantDb(strategy(), prefixTemplate());
        db.provision(tenantA()).block(Duration.ofSeconds(60));
        db.provision(tenantB()).block(Duration.ofSeconds(60));
    }

    @AfterAll
    void stop() {
        if (db != null) {
            db.deprovision(tenantA()).block(Duration.ofSeconds(60));
            db.deprovision(tenantB()).block(Duration.ofSeconds(60));
            db.close();
        }
    }

    @Override
    public TenantDb tenantDb() {
        return db;
    }

    /** "acme" and "acme_b": names that would collide under a naive {prefix}{tenant}_{index} scheme. */
    @Override
    public TenantId tenantA() {
        return TenantId.of("acme");
    }

    @Override
    public TenantId tenantB() {
        return TenantId.of("acme_tck");
    }

    @Override
    public Mono<Void> resetIndex(TenantId tenant) {
        ElasticsearchSession es = db.session(DatabaseType.ELASTICSEARCH, ElasticsearchSession.class);
        ObjectNode mappings = JSON.createObjectNode();
        ObjectNode properties = mappings.putObject("properties");
        properties.putObject("title").put("type", "text");
        properties.putObject("n").put("type", "integer");
        return es.createIndex(index(), mappings, null).then(es.deleteByQuery(index(), null)).then();
    }
}
