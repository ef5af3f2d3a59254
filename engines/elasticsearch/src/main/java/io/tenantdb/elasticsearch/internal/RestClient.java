package io.tenantdb.elasticsearch.internal;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.buffer.Unpooled;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.PoolConfig;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;
import io.tenantdb.core.exception.ConfigException;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.TenantDbException;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * REST calls to one cluster over Reactor Netty: one connection pool for the engine, one configured
 * {@link HttpClient} per (tenant) configuration — its TLS and credentials, prepared off the event loop because
 * secrets and certificates may be files — and the error mapping of every failure.
 */
final class RestClient {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String JSON_TYPE = "application/json";
    static final String NDJSON_TYPE = "application/x-ndjson";

    private static final byte[] EMPTY = new byte[0];
    private static final int MAX_HEADER_BYTES = 4 * 1024 * 1024;

    private final ConnectionProvider provider;
    private final Duration requestTimeout;
    /** Keyed by identity: the engine context hands out the same config object for a tenant every time. */
    private final Map<DatabaseConfig, Mono<Prepared>> clients = new ConcurrentHashMap<>();

    RestClient(DatabaseConfig base, Duration requestTimeout) {
        PoolConfig pool = base.pool();
        this.provider = ConnectionProvider.builder("tenantdb-elasticsearch")
                .maxConnections(pool.maxSize())
                .pendingAcquireTimeout(pool.acquireTimeout())
                .maxIdleTime(pool.maxIdleTime())
                .build();
        this.requestTimeout = requestTimeout;
    }

    /** A server answer: status, body (may be empty) and {@code Retry-After}. */
    record Response(int status, byte[] body, String retryAfter) {

        boolean ok() {
            return status >= 200 && status < 300;
        }

        JsonNode json() {
            if (body.length == 0) {
                return null;
            }
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                return null;
            }
        }
    }

    private record Prepared(HttpClient client, String scheme) {
    }

    /**
     * @param config      the tenant's configuration (credentials, TLS)
     * @param node        the node
     * @param method      the HTTP method
     * @param path        the path and query, already encoded, starting with {@code /}
     * @param body        the body, or {@code null}
     * @param contentType the body's type
     * @param tenant      the tenant, or {@code null}, for errors
     * @param what        what is being done, for errors
     * @return the answer, whatever its status; I/O failures are mapped
     */
    Mono<Response> exchange(DatabaseConfig config, NodeAddress node, HttpMethod method, String path, byte[] body,
                            String contentType, TenantId tenant, String what) {
        String nodeName = node.host() + ":" + node.port();
        return prepared(config).flatMap(prepared -> {
            String uri = prepared.scheme() + "://" + hostForUri(node.host()) + ":" + node.port() + path;
            HttpClient client = prepared.client();
            HttpClient.ResponseReceiver<?> receiver;
            if (body == null) {
                receiver = client.request(method).uri(uri);
            } else {
                receiver = client.headers(h -> h.set(HttpHeaderNames.CONTENT_TYPE, contentType))
                        .request(method).uri(uri)
                        .send(Mono.fromSupplier(() -> Unpooled.wrappedBuffer(body)));
            }
            return receiver.responseSingle((response, content) -> content.asByteArray().defaultIfEmpty(EMPTY)
                    .map(bytes -> new Response(response.status().code(), bytes,
                            response.responseHeaders().get("Retry-After"))));
        }).onErrorMap(e -> !(e instanceof TenantDbException), e -> ErrorMapper.fromFailure(e, tenant, nodeName, what));
    }

    /**
     * Like {@link #exchange} but fails with the mapped error unless the status is 2xx or one of {@code accepted}.
     */
    Mono<Response> call(DatabaseConfig config, NodeAddress node, HttpMethod method, String path, byte[] body,
                        TenantId tenant, String what, int... accepted) {
        return exchange(config, node, method, path, body, JSON_TYPE, tenant, what)
                .flatMap(response -> checked(response, tenant, what, accepted));
    }

    static Mono<Response> checked(Response response, TenantId tenant, String what, int... accepted) {
        if (response.ok()) {
            return Mono.just(response);
        }
        for (int status : accepted) {
            if (status == response.status()) {
                return Mono.just(response);
            }
        }
        return Mono.error(ErrorMapper.fromResponse(response.status(), response.json(), response.retryAfter(),
                tenant, what));
    }

    static byte[] bytes(JsonNode node, TenantId tenant) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new DataAccessException("cannot serialise the request: " + e.getOriginalMessage(), tenant,
                    DatabaseType.ELASTICSEARCH, e);
        }
    }

    Mono<Void> close() {
        return provider.disposeLater();
    }

    private Mono<Prepared> prepared(DatabaseConfig config) {
        return clients.computeIfAbsent(config, c -> Mono.fromCallable(() -> prepare(c))
                .subscribeOn(Schedulers.boundedElastic())
                .cache(ok -> Duration.ofDays(36_500), error -> Duration.ZERO, () -> Duration.ZERO));
    }

    /** Runs on a bounded-elastic thread: may read secret and certificate files. */
    private Prepared prepare(DatabaseConfig config) {
        ConnectionConfig connection = config.connection();
        HttpClient client = HttpClient.create(provider)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE,
                        connection.connectTimeout().toMillis()))
                // Netty 4.2's default adaptive allocator may park an event loop on a contended lock
                // (BlockHound flags it); the pooled allocator does not.
                .option(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                .responseTimeout(requestTimeout)
                // OpenSearch 2.x sends a TASK_RESOURCE_USAGE header per child task: long _delete_by_query runs
                // exceed Netty's 8 KB default
                .httpResponseDecoder(spec -> spec.maxHeaderSize(MAX_HEADER_BYTES))
                .headers(h -> h.set(HttpHeaderNames.ACCEPT, JSON_TYPE));
        String authorization = authorization(config);
        if (authorization != null) {
            client = client.headers(h -> h.set(HttpHeaderNames.AUTHORIZATION, authorization));
        }
        TlsConfig tls = connection.tls();
        if (tls.enabled()) {
            SslContext ssl = sslContext(tls);
            boolean verify = tls.verify();
            client = client.secure(spec -> spec.sslContext(ssl).handlerConfigurator(handler -> {
                if (!verify) {
                    // verify: false also turns host name verification off
                    SSLEngine engine = handler.engine();
                    SSLParameters parameters = engine.getSSLParameters();
                    parameters.setEndpointIdentificationAlgorithm(null);
                    engine.setSSLParameters(parameters);
                }
            }));
        }
        return new Prepared(client, tls.enabled() ? "https" : "http");
    }

    /** Basic for user/password, {@code ApiKey} for {@code elasticsearch.api_key} (which wins). */
    static String authorization(DatabaseConfig config) {
        Secret apiKey = config.section("elasticsearch").secret("api_key");
        if (!apiKey.isNone()) {
            return "ApiKey " + apiKey.reveal();
        }
        ConnectionConfig connection = config.connection();
        if (connection.user() != null && !connection.user().isEmpty()) {
            String pair = connection.user() + ":" + connection.password().reveal();
            return "Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }

    private static SslContext sslContext(TlsConfig tls) {
        try {
            SslContextBuilder builder = SslContextBuilder.forClient();
            if (!tls.verify()) {
                builder.trustManager(InsecureTrustManagerFactory.INSTANCE);
            } else if (tls.caFile() != null) {
                builder.trustManager(new File(tls.caFile()));
            }
            if (tls.certFile() != null && tls.keyFile() != null) {
                builder.keyManager(new File(tls.certFile()), new File(tls.keyFile()));
            }
            return builder.build();
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("cannot set up TLS for Elasticsearch (ca " + tls.caFile() + ", cert "
                    + tls.certFile() + "): " + e.getMessage() + "; check the connection.tls files (PEM)",
                    DatabaseType.ELASTICSEARCH, e);
        }
    }

    private static String hostForUri(String host) {
        return host.indexOf(':') >= 0 && !host.startsWith("[") ? "[" + host + "]" : host;
    }
}
