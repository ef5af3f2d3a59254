package io.tenantdb.observability;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.tenantdb.core.spi.Health;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerResponse;

import java.time.Duration;
import java.util.Objects;

/**
 * An embeddable HTTP endpoint (Reactor Netty):
 * <ul>
 *   <li>{@code GET /metrics}: Prometheus text format from a {@link PrometheusMeterRegistry}
 *       (scraped on {@code boundedElastic}, never on the event loop);</li>
 *   <li>{@code GET /health}: the {@link HealthReport} as JSON, 200 when UP or DEGRADED, 503 when DOWN;</li>
 *   <li>{@code GET /alerts}: the alerts firing now, as a JSON array.</li>
 * </ul>
 * A part not configured answers 404. Binds to {@code 127.0.0.1} unless told otherwise; port 0
 * picks a free port ({@link #port()}).
 *
 * <pre>{@code
 * ObservabilityServer server = ObservabilityServer.builder().port(9464).host("0.0.0.0")
 *     .prometheus(registry).health(healthMonitor.start()).alerts(alertMonitor.start())
 *     .start().block();
 * }</pre>
 */
public final class ObservabilityServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ObservabilityServer.class);
    private static final String JSON = "application/json";

    private final DisposableServer server;

    private ObservabilityServer(DisposableServer server) {
        this.server = server;
    }

    /** @return a builder */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the port bound */
    public int port() {
        return server.port();
    }

    /** @return the host bound */
    public String host() {
        return server.host();
    }

    /** @return completes when the server is closed */
    public Mono<Void> closeAsync() {
        return Mono.defer(() -> {
            server.dispose();
            return server.onDispose();
        });
    }

    /** Closes the server, waiting up to 10 seconds. Blocks: not from an event loop. */
    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(10));
    }

    private static Publisher<Void> serveMetrics(PrometheusMeterRegistry registry, HttpServerResponse res) {
        if (registry == null) {
            return res.status(HttpResponseStatus.NOT_FOUND).send();
        }
        Mono<String> body = Mono.fromCallable(registry::scrape).subscribeOn(Schedulers.boundedElastic());
        return res.header(HttpHeaderNames.CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8").sendString(body);
    }

    private static Publisher<Void> serveHealth(HealthMonitor monitor, HttpServerResponse res) {
        if (monitor == null) {
            return res.status(HttpResponseStatus.NOT_FOUND).send();
        }
        return monitor.current().flatMap(report -> Mono.from(res
                .status(report.status() == Health.Status.DOWN ? HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.OK)
                .header(HttpHeaderNames.CONTENT_TYPE, JSON)
                .sendString(Mono.just(report.toJson()))));
    }

    private static Publisher<Void> serveAlerts(AlertMonitor monitor, HttpServerResponse res) {
        if (monitor == null) {
            return res.status(HttpResponseStatus.NOT_FOUND).send();
        }
        return res.header(HttpHeaderNames.CONTENT_TYPE, JSON).sendString(Mono.fromSupplier(monitor::activeJson));
    }

    /** Builds and starts an {@link ObservabilityServer}. */
    public static final class Builder {
        private String host = "127.0.0.1";
        private int port;
        private PrometheusMeterRegistry prometheus;
        private HealthMonitor health;
        private AlertMonitor alerts;

        private Builder() {
        }

        /** @param host the address to bind (default 127.0.0.1; {@code 0.0.0.0} for every interface) @return this */
        public Builder host(String host) {
            this.host = Objects.requireNonNull(host, "host");
            return this;
        }

        /** @param port the port, 0..65535; 0 picks a free one (default) @return this */
        public Builder port(int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be between 0 and 65535, was " + port);
            }
            this.port = port;
            return this;
        }

        /** @param registry serves {@code /metrics} @return this */
        public Builder prometheus(PrometheusMeterRegistry registry) {
            this.prometheus = registry;
            return this;
        }

        /** @param monitor serves {@code /health} (start it for periodic checks; else each request checks) @return this */
        public Builder health(HealthMonitor monitor) {
            this.health = monitor;
            return this;
        }

        /** @param monitor serves {@code /alerts} @return this */
        public Builder alerts(AlertMonitor monitor) {
            this.alerts = monitor;
            return this;
        }

        /**
         * @return the server once bound
         * @apiNote binds on subscription.
         */
        public Mono<ObservabilityServer> start() {
            PrometheusMeterRegistry p = prometheus;
            HealthMonitor h = health;
            AlertMonitor a = alerts;
            // the pooled allocator: Netty 4.2's adaptive allocator may park an event loop on a lock
            return HttpServer.create().host(host).port(port)
                    .childOption(ChannelOption.ALLOCATOR, PooledByteBufAllocator.DEFAULT)
                    .route(routes -> routes
                            .get("/metrics", (req, res) -> serveMetrics(p, res))
                            .get("/health", (req, res) -> serveHealth(h, res))
                            .get("/alerts", (req, res) -> serveAlerts(a, res)))
                    .bind()
                    .map(ObservabilityServer::new)
                    .doOnNext(s -> LOG.info("observability endpoint listening on {}:{}", s.host(), s.port()));
        }
    }
}
