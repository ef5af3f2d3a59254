package io.tenantdb.clickhouse.internal;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.PoolConfig;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import java.net.ConnectException;
import java.net.URLEncoder;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The HTTP interface of a set of ClickHouse nodes over one Reactor Netty connection pool: requests
 * stream their bodies, responses stream as lines with back-pressure, and a request that cannot
 * connect moves on to the next node.
 */
final class ClickHouseHttp {

    private final List<NodeAddress> nodes;
    private final HttpClient client;
    private final ConnectionProvider provider;
    private final AtomicInteger next = new AtomicInteger();
    private final boolean compression;

    /**
     * @param connection  hosts, credentials and connect timeout (the password is read once, here)
     * @param pool        pool limits
     * @param compression whether responses are asked for gzip-compressed
     */
    ClickHouseHttp(ConnectionConfig connection, PoolConfig pool, boolean compression) {
        this.compression = compression;
        this.nodes = connection.hosts();
        this.provider = ConnectionProvider.builder("tenantdb-clickhouse")
                .maxConnections(pool.maxSize())
                .pendingAcquireTimeout(pool.acquireTimeout())
                .maxIdleTime(pool.maxIdleTime())
                .build();
        String user = connection.user() == null ? "default" : connection.user();
        String password = connection.password().reveal();
        String basic = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        this.client = HttpClient.create(provider)
                // Netty 4.2's default adaptive allocator may park an event loop on a contended StampedLock
                // (BlockHound flags it); the pooled allocator's locks are the ones Netty declares safe.
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connection.connectTimeout().toMillis()))
                .headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, basic))
                .compress(compression);
    }

    /** @return whether responses are compressed (the server must then be asked with enable_http_compression) */
    boolean compression() {
        return compression;
    }

    /** @return every configured node */
    List<NodeAddress> nodes() {
        return nodes;
    }

    /**
     * The nodes to try, in order: the target's node first when a resolver chose a specific one,
     * otherwise the configured hosts round-robin.
     *
     * @param chosen the node the target resolver picked
     * @return the candidates, each once
     */
    List<NodeAddress> order(NodeAddress chosen) {
        List<NodeAddress> order = new ArrayList<>(nodes.size() + 1);
        if (nodes.size() > 1 && chosen.equals(nodes.get(0))) {
            int start = Math.floorMod(next.getAndIncrement(), nodes.size());
            for (int i = 0; i < nodes.size(); i++) {
                order.add(nodes.get((start + i) % nodes.size()));
            }
            return order;
        }
        order.add(chosen);
        for (NodeAddress n : nodes) {
            if (!n.equals(chosen)) {
                order.add(n);
            }
        }
        return order;
    }

    /**
     * Runs {@code call} on the first candidate, moving to the next when it cannot connect. Once
     * connected, errors are final (a request body may have been consumed).
     */
    static <T> Flux<T> withFailover(List<NodeAddress> candidates, Function<NodeAddress, Flux<T>> call) {
        return attempt(candidates, 0, call);
    }

    private static <T> Flux<T> attempt(List<NodeAddress> candidates, int index, Function<NodeAddress, Flux<T>> call) {
        NodeAddress node = candidates.get(index);
        Flux<T> flux = Flux.defer(() -> call.apply(node));
        if (index + 1 >= candidates.size()) {
            return flux;
        }
        return flux.onErrorResume(ClickHouseHttp::isConnectFailure, e -> attempt(candidates, index + 1, call));
    }

    /** @return whether {@code e} means no connection could be made (safe to try another node) */
    static boolean isConnectFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConnectException || t instanceof UnknownHostException
                    || t instanceof io.netty.channel.ConnectTimeoutException) {
                return true;
            }
        }
        return false;
    }

    /**
     * POSTs a body and streams the response's body, chunk by chunk (each chunk copied out of the
     * network buffer, which is released at once); {@link JsonEachRowDecoder#rows} makes rows of it.
     *
     * @param node   the node
     * @param params URL parameters (settings, and {@code query} when the body is data)
     * @param body   the request body
     * @return the response body; an error response becomes a {@link ClickHouseServerException}
     */
    Flux<byte[]> post(NodeAddress node, Map<String, String> params, Publisher<? extends ByteBuf> body) {
        return client.post()
                .uri(uri(node, params))
                .send(body)
                .response((response, content) -> {
                    int status = response.status().code();
                    if (status != 200) {
                        return content.aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                                .flatMapMany(text -> Mono.error(ClickHouseServerException.parse(status, text)));
                    }
                    return content.map(ByteBufUtil::getBytes);
                });
    }

    /**
     * @param node   the node
     * @param params URL parameters
     * @param sql    the statement, sent as the body
     * @return the response body, chunk by chunk
     */
    Flux<byte[]> post(NodeAddress node, Map<String, String> params, String sql) {
        return post(node, params, Mono.fromSupplier(() -> Unpooled.wrappedBuffer(ClickHouseLiterals.utf8(sql))));
    }

    /** @return completes when the node answers {@code GET /ping} */
    Mono<Void> ping(NodeAddress node) {
        return client.get().uri(base(node) + "/ping")
                .responseSingle((response, content) -> response.status().code() == 200 ? Mono.<Void>empty()
                        : content.asString().defaultIfEmpty("").flatMap(text ->
                                Mono.error(ClickHouseServerException.parse(response.status().code(), text))));
    }

    /** @return completes when every pooled connection is closed */
    Mono<Void> close() {
        return provider.disposeLater();
    }

    private static String base(NodeAddress node) {
        String host = node.host().indexOf(':') >= 0 && !node.host().startsWith("[") ? "[" + node.host() + "]" : node.host();
        return "http://" + host + ":" + node.port();
    }

    private static String uri(NodeAddress node, Map<String, String> params) {
        StringBuilder b = new StringBuilder(base(node)).append("/?");
        boolean first = true;
        for (Map.Entry<String, String> e : params.entrySet()) {
            if (!first) {
                b.append('&');
            }
            first = false;
            b.append(URLEncoder.encode(e.getKey(), StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return b.toString();
    }
}
