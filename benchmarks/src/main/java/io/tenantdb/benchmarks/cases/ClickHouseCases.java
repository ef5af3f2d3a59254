package io.tenantdb.benchmarks.cases;

import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.tenantdb.benchmarks.BenchCase;
import io.tenantdb.benchmarks.internal.Bench;
import io.tenantdb.benchmarks.internal.Side;
import io.tenantdb.clickhouse.ClickHouseSession;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import reactor.util.context.Context;

/**
 * {@code clickhouse_stream_vs_curl}: rows/s of {@code SELECT id, name, v FROM events} (200,000 rows) streamed
 * and decoded into rows through tenantdb (table-prefix strategy, JSONEachRow over Reactor Netty) ÷ {@code curl}
 * fetching the same query in the same format to {@code /dev/null} (no decoding: the transport's limit, plus a
 * process start per query). {@code clickhouse_stream_vs_netty}: the same tenantdb side ÷ the like-for-like raw
 * client: a Reactor Netty POST of the same query, every row decoded into an {@code Object[]} of its values by a
 * Jackson non-blocking parser fed the response chunks as they arrive (what a hand-written client at its best
 * does; no tenantdb code). {@code clickhouse_stream_bare_vs_netty}: the same with a TenantDb without operators
 * on the tenantdb side: the engine's own cost per row, without the per-row work of the metrics and resilience
 * operators. One query in flight on each side.
 */
final class ClickHouseCases implements BenchCase {

    private static final int ROWS = 200_000;

    @Override
    public List<String> ids() {
        return List.of("clickhouse_stream_vs_curl", "clickhouse_stream_vs_netty", "clickhouse_stream_bare_vs_netty");
    }

    @Override
    public void run(Bench bench) throws Exception {
        ServerEndpoint s = TestServers.clickhouse();
        TenantId tenant = TenantId.of("bench_a");
        Function<Context, Context> ctx = TenantContext.of(tenant);
        DatabaseConfig config = Common.config(DatabaseType.CLICKHOUSE, s, "bench", IsolationStrategy.SCHEMA_PER_TENANT);
        TenantDb db = Common.tenantDb(DatabaseType.CLICKHOUSE, config).build();
        TenantDb bare = TenantDb.builder().engines(DatabaseType.CLICKHOUSE).engineConfig(config).build();
        try {
            ClickHouseSession ch = db.session(DatabaseType.CLICKHOUSE, ClickHouseSession.class);
            db.deprovision(tenant).then(db.provision(tenant)).block(Common.WAIT);
            ch.createTable("events", "(id UInt64, name String, v Float64) ENGINE = MergeTree ORDER BY id")
                    .contextWrite(ctx).block(Common.WAIT);
            String table = admin(s, "SELECT concat('`', database, '`.`', name, '`') FROM system.tables WHERE name LIKE '%bench_a%events%'"
                    + " LIMIT 1").trim();
            if (table.isEmpty()) {
                throw new IllegalStateException("cannot find the tenant's events table in system.tables");
            }
            admin(s, "INSERT INTO " + table + " SELECT number, toString(number), number / 3 FROM numbers(" + ROWS + ")");
            String url = s.httpUrl() + "/?default_format=JSONEachRow&user=" + URLEncoder.encode(s.user(), StandardCharsets.UTF_8)
                    + (s.password() == null || s.password().isEmpty() ? ""
                    : "&password=" + URLEncoder.encode(s.password(), StandardCharsets.UTF_8));
            String curlSql = "SELECT id, name, v FROM " + table;
            Side tenantdb = new Side("tenantdb query (rows decoded)", () -> ch.query("SELECT id, name, v FROM {table:events}")
                    .count().contextWrite(ctx), ROWS);
            bench.compare("clickhouse_stream_vs_curl", tenantdb,
                    new Side("curl > /dev/null", () -> Mono.fromCallable(() -> curl(url, curlSql))
                            .subscribeOn(Schedulers.boundedElastic()), ROWS),
                    1, "rows");
            HttpClient nettyClient = HttpClient.create(ConnectionProvider.create("bench-clickhouse", 1));
            String nettyUrl = url.replace("default_format=JSONEachRow", "default_format=JSONEachRow&output_format_json_quote_64bit_integers=0");
            Side netty = new Side("raw Reactor Netty + Jackson non-blocking parser (rows decoded)", () -> Mono.defer(() -> {
                        RawRows rows = new RawRows();
                        return nettyClient.post().uri(nettyUrl)
                                .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(curlSql.getBytes(StandardCharsets.UTF_8))))
                                .response((response, body) -> {
                                    if (response.status().code() != 200) {
                                        return Mono.error(new IllegalStateException("HTTP " + response.status()));
                                    }
                                    return body.map(buf -> rows.feed(ByteBufUtil.getBytes(buf)));
                                })
                                .then(Mono.fromCallable(rows::count));
                    }), ROWS);
            bench.compare("clickhouse_stream_vs_netty", tenantdb, netty, 1, "rows");
            ClickHouseSession chBare = bare.session(DatabaseType.CLICKHOUSE, ClickHouseSession.class);
            bench.compare("clickhouse_stream_bare_vs_netty", new Side("tenantdb query, no operators (rows decoded)",
                    () -> chBare.query("SELECT id, name, v FROM {table:events}").count().contextWrite(ctx), ROWS), netty, 1, "rows");
        } finally {
            bare.close();
            db.deprovision(tenant).onErrorResume(e -> Mono.empty()).block(Common.WAIT);
            db.close();
        }
    }

    /**
     * The raw side's decoder: one non-blocking parser for the response, fed every chunk as it comes, each row's
     * values into an {@code Object[]} (integers as numbers, floats as {@code BigDecimal} like tenantdb's).
     */
    private static final class RawRows {
        private final JsonParser parser;
        private final ByteArrayFeeder feeder;
        private Object[] row;
        private int column;
        private long rows;
        private volatile Object sink;

        RawRows() {
            try {
                parser = new JsonFactory().createNonBlockingByteArrayParser();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
        }

        long feed(byte[] chunk) {
            try {
                feeder.feedInput(chunk, 0, chunk.length);
                for (JsonToken t; (t = parser.nextToken()) != JsonToken.NOT_AVAILABLE && t != null; ) {
                    switch (t) {
                        case START_OBJECT -> {
                            row = new Object[3];
                            column = 0;
                        }
                        case END_OBJECT -> {
                            sink = row;
                            rows++;
                        }
                        case VALUE_STRING -> put(parser.getText());
                        case VALUE_NUMBER_INT -> put(parser.getNumberValue());
                        case VALUE_NUMBER_FLOAT -> put(parser.getDecimalValue());
                        default -> {
                        }
                    }
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            return rows;
        }

        private void put(Object value) {
            if (column == row.length) {
                row = java.util.Arrays.copyOf(row, 2 * column);
            }
            row[column++] = value;
        }

        long count() {
            return rows;
        }
    }

    private static int curl(String url, String sql) throws Exception {
        Process p = new ProcessBuilder("curl", "-sS", "--fail", "-o", "/dev/null", "--data-binary", sql, url)
                .redirectErrorStream(true).start();
        if (!p.waitFor(5, TimeUnit.MINUTES) || p.exitValue() != 0) {
            throw new IllegalStateException("curl failed: " + new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
        }
        return 0;
    }

    private static String admin(ServerEndpoint s, String sql) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(s.httpUrl() + "/?user="
                        + URLEncoder.encode(s.user(), StandardCharsets.UTF_8)
                        + (s.password() == null || s.password().isEmpty() ? ""
                        : "&password=" + URLEncoder.encode(s.password(), StandardCharsets.UTF_8))))
                .POST(HttpRequest.BodyPublishers.ofString(sql)).build();
        HttpResponse<String> response = java.net.http.HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IllegalStateException("ClickHouse refused set-up SQL: " + response.body());
        }
        return response.body();
    }
}
