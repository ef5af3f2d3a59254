package io.tenantdb.observability;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;
import io.tenantdb.core.session.SearchSession;
import io.tenantdb.core.session.Statement;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.publisher.Mono;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import reactor.netty.http.client.HttpClient;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Operations of each engine on its real server show up as timers and item counters in
 * {@code /metrics}. Each test uses a tenant unique to the run, provisioned and deprovisioned around it.
 */
class EngineMetricsIT {

    private static final Duration WAIT = Duration.ofSeconds(120);

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final MetricsOperator metrics = MetricsOperator.builder(registry).build();
    private final TenantId tenant = TenantId.of("obs" + Long.toString(ThreadLocalRandom.current().nextLong(Long.MAX_VALUE), 36));

    /** Provisions the tenant, runs {@code work} as the tenant, deprovisions, then returns the scrape. */
    private String run(TenantDb db, Function<TenantDb, Mono<?>> work) {
        try (db) {
            db.provision(tenant).block(WAIT);
            try {
                work.apply(db).contextWrite(TenantContext.of(tenant)).block(WAIT);
            } finally {
                db.deprovision(tenant).block(WAIT);
            }
        }
        try (ObservabilityServer server = ObservabilityServer.builder().prometheus(registry).start().block(WAIT)) {
            return HttpClient.create().option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT).get().uri("http://127.0.0.1:" + server.port() + "/metrics")
                    .responseContent().aggregate().asString().block(WAIT);
        }
    }

    private void assertTimed(String scrape, String engine) {
        assertThat(scrape).containsPattern("tenantdb_operation_seconds_count\\{engine=\"" + engine
                + "\",[^}]*outcome=\"success\",tenant=\"" + tenant.value() + "\"} [1-9]");
        assertThat(scrape).containsPattern("tenantdb_operation_seconds_bucket\\{engine=\"" + engine + "\",");
        assertThat(scrape).containsPattern("tenantdb_engine_latency_recent_seconds\\{engine=\"" + engine
                + "\",quantile=\"0.99\"} [0-9.eE-]*[1-9]");
    }

    private TenantDb fromYaml(Path dir, DatabaseType type, String yaml, Map<String, String> env) throws Exception {
        Files.writeString(dir.resolve(type.id() + ".yml"), yaml);
        return TenantDb.builder().configDirectory(dir).environmentVariables(env).engines(type).operator(metrics).build();
    }

    @Test
    void postgresqlQueriesAreTimedAndTheirRowsCounted(@TempDir Path dir) throws Exception {
        ServerEndpoint pg = TestServers.postgresql();
        boolean password = pg.password() != null && !pg.password().isEmpty();
        TenantDb db = fromYaml(dir, DatabaseType.POSTGRESQL, "connection:\n"
                + "  hosts: [\"" + pg.host() + ":" + pg.port() + "\"]\n"
                + "  database: \"" + pg.database() + "\"\n"
                + "  user: " + pg.user() + "\n"
                + (password ? "  password: \"${env:TDB_IT_PG_PASSWORD}\"\n" : "")
                + "tenant_isolation:\n  strategy: schema_per_tenant\n",
                password ? Map.of("TDB_IT_PG_PASSWORD", pg.password()) : Map.of());

        String scrape = run(db, d -> d.sql(DatabaseType.POSTGRESQL)
                .query(Statement.of("SELECT g::bigint AS n FROM generate_series(1, 3) AS g"), row -> row.get("n", Long.class))
                .collectList().doOnNext(rows -> assertThat(rows).containsExactly(1L, 2L, 3L)));

        assertTimed(scrape, "postgresql");
        assertThat(scrape).containsPattern("tenantdb_operation_items_total\\{engine=\"postgresql\",[^}]*tenant=\""
                + tenant.value() + "\"} 3.0");
    }

    @Test
    void mongodbOperationsAreTimed(@TempDir Path dir) throws Exception {
        ServerEndpoint mongo = TestServers.mongodb();
        TenantDb db = fromYaml(dir, DatabaseType.MONGODB, "connection:\n  hosts: [\"" + mongo.host() + ":" + mongo.port() + "\"]\n"
                + "  database: obs_it\ntenant_isolation:\n  strategy: schema_per_tenant\n", Map.of());

        String scrape = run(db, d -> d.documents(DatabaseType.MONGODB).insert("tracks", Map.of("title", "one"))
                .thenMany(d.documents(DatabaseType.MONGODB).find("tracks", Map.of())).collectList()
                .doOnNext(found -> assertThat(found).hasSize(1)));

        assertTimed(scrape, "mongodb");
        assertThat(scrape).containsPattern("tenantdb_operation_items_total\\{engine=\"mongodb\",[^}]*} 1.0");
    }

    @Test
    void clickhouseQueriesAreTimed(@TempDir Path dir) throws Exception {
        ServerEndpoint ch = TestServers.clickhouse();
        TenantDb db = fromYaml(dir, DatabaseType.CLICKHOUSE, "connection:\n  hosts: [\"" + ch.host() + ":" + ch.port() + "\"]\n"
                + "  database: obs_it\n  user: " + ch.user() + "\n"
                + "tenant_isolation:\n  strategy: schema_per_tenant\n  prefix: \"tdbobs_{{tenant_id}}_\"\n", Map.of());

        String scrape = run(db, d -> d.sql(DatabaseType.CLICKHOUSE).query(Statement.of("SELECT toInt64(1) AS one"),
                row -> row.get("one", Long.class)).collectList().doOnNext(one -> assertThat(one).containsExactly(1L)));

        assertTimed(scrape, "clickhouse");
    }

    @Test
    void redisOperationsAreTimed(@TempDir Path dir) throws Exception {
        ServerEndpoint redis = TestServers.redis();
        TenantDb db = fromYaml(dir, DatabaseType.REDIS, "connection:\n  hosts: [\"" + redis.host() + ":" + redis.port() + "\"]\n"
                + "tenant_isolation:\n  strategy: schema_per_tenant\n", Map.of());

        String scrape = run(db, d -> d.keyValue(DatabaseType.REDIS).set("greeting", "hello")
                .then(d.keyValue(DatabaseType.REDIS).get("greeting")).doOnNext(v -> assertThat(v).isEqualTo("hello")));

        assertTimed(scrape, "redis");
        assertThat(scrape).containsPattern("tenantdb_operation_seconds_count\\{engine=\"redis\",kind=\"write\",operation=\"[a-z_]+\",");
    }

    @Test
    void openSearchOperationsAreTimed() {
        ServerEndpoint os = TestServers.opensearch();
        DatabaseConfig config = DatabaseConfig.builder(DatabaseType.ELASTICSEARCH)
                .connection(new ConnectionConfig(List.of(NodeAddress.of(os.host(), os.port())), null, os.user(),
                        os.password() == null || os.password().isEmpty() ? Secret.NONE : Secret.literal(os.password()),
                        TlsConfig.DISABLED, Duration.ofSeconds(5), Map.of()))
                .build();
        TenantDb db = TenantDb.builder().engineConfig(config).engines(DatabaseType.ELASTICSEARCH).operator(metrics).build();
        ObjectNode doc = JsonNodeFactory.instance.objectNode().put("title", "one");
        ObjectNode all = JsonNodeFactory.instance.objectNode();
        all.putObject("match_all");

        String scrape = run(db, d -> {
            SearchSession search = d.search(DatabaseType.ELASTICSEARCH);
            return search.index("tracks", "1", doc).then(search.refresh("tracks"))
                    .thenMany(search.search("tracks", all)).collectList().doOnNext(hits -> assertThat(hits).hasSize(1));
        });

        assertTimed(scrape, "elasticsearch");
    }
}
