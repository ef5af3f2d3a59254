package io.tenantdb.elasticsearch;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.core.exception.NotProvisionedException;
import io.tenantdb.core.session.SearchHit;
import io.tenantdb.core.spi.Health;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import reactor.core.publisher.Flux;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;

import static io.tenantdb.testkit.tck.TckSupport.all;
import static io.tenantdb.testkit.tck.TckSupport.as;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Real server errors arrive as tenantdb errors naming the tenant and engine. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ErrorMappingIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TenantId TENANT = TenantId.of("errors");

    private TenantDb db;
    private ElasticsearchSession es;

    @BeforeAll
    void start() {
        db = EsTestSupport.tenantDb(IsolationStrategy.SCHEMA_PER_TENANT, "err_{{tenant_id}}_");
        es = db.session(DatabaseType.ELASTICSEARCH, ElasticsearchSession.class);
        com.fasterxml.jackson.databind.node.ObjectNode mappings = JSON.createObjectNode();
        mappings.putObject("properties").putObject("n").put("type", "integer");
        as(TENANT, es.createIndex("typed", mappings, null));
    }

    @AfterAll
    void stop() {
        if (db != null) {
            db.deprovision(TENANT).block(Duration.ofSeconds(60));
            db.close();
        }
    }

    @Test
    void missingIndexIsNotProvisioned() {
        assertThatThrownBy(() -> all(TENANT, es.search("never_created", null)))
                .isInstanceOf(NotProvisionedException.class)
                .hasMessageContaining("tenant=errors").hasMessageContaining("engine=elasticsearch");
        assertThatThrownBy(() -> as(TENANT, es.count("never_created", null))).isInstanceOf(NotProvisionedException.class);
    }

    @Test
    void badQueriesAndDocumentsAreDataAccessErrors() throws Exception {
        assertThatThrownBy(() -> as(TENANT, es.count("typed", (com.fasterxml.jackson.databind.node.ObjectNode)
                JSON.readTree("{\"no_such_query\":{}}"))))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("HTTP 400");
        assertThatThrownBy(() -> as(TENANT, es.bulk("typed", Flux.just(
                new SearchHit("typed", "1", Double.NaN, JSON.createObjectNode().put("n", 1)),
                new SearchHit("typed", "2", Double.NaN, JSON.createObjectNode().put("n", "not a number"))))))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("mapper_parsing_exception");
    }

    @Test
    void refusedConnectionIsEngineUnavailableAndHealthDown() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        DatabaseConfig base = EsTestSupport.config(IsolationStrategy.SCHEMA_PER_TENANT, "err_{{tenant_id}}_");
        ConnectionConfig c = base.connection();
        DatabaseConfig dead = base.toBuilder().connection(new ConnectionConfig(List.of(NodeAddress.of("127.0.0.1", port)),
                null, null, c.password(), c.tls(), Duration.ofSeconds(2), c.options())).build();
        try (TenantDb deadDb = TenantDb.builder().engines(DatabaseType.ELASTICSEARCH).engineConfig(dead).build()) {
            ElasticsearchSession deadEs = deadDb.session(DatabaseType.ELASTICSEARCH, ElasticsearchSession.class);
            assertThatThrownBy(() -> as(TENANT, deadEs.get("typed", "1")))
                    .isInstanceOf(EngineUnavailableException.class).hasMessageContaining("127.0.0.1:" + port);
            assertThat(deadDb.health().collectList().block(Duration.ofSeconds(30)))
                    .singleElement().extracting(Health::status).isEqualTo(Health.Status.DOWN);
        }
        assertThat(db.health().collectList().block(Duration.ofSeconds(30)))
                .singleElement().extracting(Health::status).isEqualTo(Health.Status.UP);
    }
}
