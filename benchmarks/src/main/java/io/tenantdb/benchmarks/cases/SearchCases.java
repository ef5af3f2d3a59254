package io.tenantdb.benchmarks.cases;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.tenantdb.benchmarks.BenchCase;
import io.tenantdb.benchmarks.internal.Bench;
import io.tenantdb.benchmarks.internal.Side;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.session.SearchHit;
import io.tenantdb.core.session.SearchSession;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import java.util.function.Function;

import reactor.util.context.Context;

/**
 * {@code search_bulk_vs_raw}: documents/s bulk-indexed through tenantdb (index-per-tenant strategy) ÷ a raw
 * Reactor Netty POST of the same NDJSON to {@code _bulk} (response parsed and checked for errors, as any
 * caller must), on the testkit's OpenSearch node (a child JVM on this machine). 2 bulks of 500 documents in
 * flight on each side, same connection pool size, same (default) Netty loops.
 */
final class SearchCases implements BenchCase {

    private static final int DOCS = 500;
    private static final int IN_FLIGHT = 2;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public List<String> ids() {
        return List.of("search_bulk_vs_raw");
    }

    @Override
    public void run(Bench bench) {
        ServerEndpoint server = TestServers.opensearch();
        TenantId tenant = TenantId.of("bench_a");
        TenantDb db = Common.tenantDb(DatabaseType.ELASTICSEARCH, Common.config(DatabaseType.ELASTICSEARCH, server, null, IsolationStrategy.SCHEMA_PER_TENANT))
                .build();
        ConnectionProvider provider = ConnectionProvider.builder("bench-raw-search").maxConnections(Common.POOL).build();
        HttpClient http = HttpClient.create(provider).baseUrl("http://" + server.host() + ":" + server.port())
                .responseTimeout(Duration.ofSeconds(60));
        try {
            Function<Context, Context> ctx = TenantContext.of(tenant);
            SearchSession search = db.search(DatabaseType.ELASTICSEARCH);
            db.deprovision(tenant).then(db.provision(tenant)).block(Common.WAIT);
            List<SearchHit> hits = new ArrayList<>();
            StringBuilder ndjson = new StringBuilder();
            for (int i = 0; i < DOCS; i++) {
                ObjectNode doc = JSON.createObjectNode().put("title", "track " + i).put("plays", i).put("genre", "g" + (i % 7));
                hits.add(new SearchHit("tracks", "d" + i, 0, doc));
                ndjson.append("{\"index\":{\"_id\":\"d").append(i).append("\"}}\n").append(doc).append('\n');
            }
            byte[] body = ndjson.toString().getBytes(StandardCharsets.UTF_8);
            http.delete().uri("/bench_raw_tracks").response().block(Common.WAIT);
            bench.compare("search_bulk_vs_raw",
                    new Side("tenantdb bulk", () -> search.bulk("tracks", Flux.fromIterable(hits)).contextWrite(ctx), DOCS),
                    new Side("raw reactor-netty POST _bulk", () -> http
                            .headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, "application/x-ndjson"))
                            .post().uri("/bench_raw_tracks/_bulk")
                            .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)))
                            .responseSingle((r, b) -> b.asByteArray().map(bytes -> check(r.status().code(), bytes))), DOCS),
                    IN_FLIGHT, "docs");
            db.deprovision(tenant).block(Common.WAIT);
            http.delete().uri("/bench_raw_tracks").response().block(Common.WAIT);
        } finally {
            db.close();
            provider.disposeLater().block(Common.WAIT);
        }
    }

    private static int check(int status, byte[] bytes) {
        try {
            JsonNode json = JSON.readTree(bytes);
            if (status >= 300 || json.path("errors").asBoolean(true)) {
                throw new IllegalStateException("raw bulk failed: HTTP " + status);
            }
            return json.path("items").size();
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
