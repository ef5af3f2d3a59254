package io.tenantdb.elasticsearch.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.HttpMethod;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import io.tenantdb.core.session.SearchSession;
import io.tenantdb.core.session.Session;
import io.tenantdb.core.spi.Engine;
import io.tenantdb.core.spi.EngineContext;
import io.tenantdb.core.spi.Health;
import io.tenantdb.core.spi.Target;
import io.tenantdb.elasticsearch.ElasticsearchSession;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The Elasticsearch / OpenSearch engine: one REST client (connection pool) for the engine, sessions that are
 * stateless handles, and provisioning per isolation strategy.
 */
public final class ElasticsearchEngine implements Engine {

    private static final DatabaseType ES = DatabaseType.ELASTICSEARCH;

    private final EngineContext context;
    private final EngineSettings settings;
    private final RestClient rest;
    private final DefaultElasticsearchSession session;
    private final ConcurrentMap<String, Mono<Flavor>> flavors = new ConcurrentHashMap<>();

    /**
     * @param context the engine context
     */
    public ElasticsearchEngine(EngineContext context) {
        this.context = context;
        DatabaseConfig base = context.config();
        IndexNames.checkTemplate(base.isolation());
        this.settings = EngineSettings.from(base);
        for (String logical : settings.indices()) {
            IndexNames.checkLogical(logical, null);
        }
        this.rest = new RestClient(base, settings.requestTimeout());
        this.session = new DefaultElasticsearchSession(this);
    }

    @Override
    public DatabaseType type() {
        return ES;
    }

    @Override
    public Set<IsolationStrategy> supportedStrategies() {
        return EnumSet.allOf(IsolationStrategy.class);
    }

    @Override
    public <S extends Session> S session(Class<S> family) {
        if (family == SearchSession.class || family == ElasticsearchSession.class || family == Session.class) {
            return family.cast(session);
        }
        throw new UnsupportedFeatureException("the elasticsearch engine offers SearchSession and "
                + "ElasticsearchSession, not " + family.getSimpleName(), null, ES, null);
    }

    @Override
    public Mono<Void> provision(TenantId tenant) {
        return context.targets().resolve(ES, tenant, OperationKind.WRITE)
                .flatMap(target -> Flux.fromIterable(settings.indices())
                        .concatMap(logical -> session.createIndex(target, logical, null, null))
                        .then());
    }

    @Override
    public Mono<Void> deprovision(TenantId tenant) {
        return context.targets().resolve(ES, tenant, OperationKind.WRITE).flatMap(target -> {
            String own = target.config().isolation().prefixFor(tenant) + IndexNames.SEPARATOR;
            Mono<Void> aliases = rest.call(target.config(), target.node(), HttpMethod.GET,
                            "/_cat/aliases?format=json&h=alias,index", null, tenant, "list aliases")
                    .flatMapMany(r -> Flux.fromIterable(rows(r.json())))
                    .filter(row -> owned(row.path("alias").asText(""), own))
                    .concatMap(row -> session.removeAliasAction(target, row.path("index").asText(),
                            row.path("alias").asText()))
                    .then();
            Flux<String> indices = rest.call(target.config(), target.node(), HttpMethod.GET,
                            "/_cat/indices?format=json&h=index", null, tenant, "list indices")
                    .flatMapMany(r -> Flux.fromIterable(rows(r.json())))
                    .map(row -> row.path("index").asText(""));
            Mono<Void> sharedDocs = indices
                    .filter(name -> name.startsWith(IndexNames.SHARED_PREFIX))
                    .concatMap(shared -> session.deleteTenantDocs(target, shared))
                    .then();
            Mono<Void> ownIndices = indices
                    .filter(name -> owned(name, own))
                    .concatMap(name -> rest.call(target.config(), target.node(), HttpMethod.DELETE, "/" + name,
                            null, tenant, "delete index", 404))
                    .then();
            return aliases.then(sharedDocs).then(ownIndices);
        });
    }

    @Override
    public Flux<Health> health() {
        DatabaseConfig base = context.config();
        return Flux.fromIterable(base.connection().hosts()).flatMap(node -> {
            long start = System.nanoTime();
            return rest.call(base, node, HttpMethod.GET, "/_cluster/health", null, null, "health check")
                    .map(r -> {
                        String status = r.json() == null ? "unknown" : r.json().path("status").asText("unknown");
                        Health.Status s = status.equals("red") ? Health.Status.DEGRADED
                                : status.equals("green") || status.equals("yellow") ? Health.Status.UP
                                : Health.Status.DEGRADED;
                        return new Health(ES, name(node), s, Duration.ofNanos(System.nanoTime() - start),
                                "cluster status " + status);
                    })
                    .onErrorResume(e -> Mono.just(new Health(ES, name(node), Health.Status.DOWN,
                            Duration.ofNanos(System.nanoTime() - start), e.getMessage() == null
                            ? e.getClass().getSimpleName() : e.getMessage())));
        });
    }

    @Override
    public Mono<Void> closeAsync() {
        return rest.close();
    }

    EngineContext context() {
        return context;
    }

    EngineSettings settings() {
        return settings;
    }

    RestClient rest() {
        return rest;
    }

    /** @return the server flavor of the target's node, asked once per node unless configured */
    Mono<Flavor> flavor(Target target) {
        if (settings.flavor().equals("opensearch")) {
            return Mono.just(Flavor.OPENSEARCH);
        }
        if (settings.flavor().equals("elasticsearch")) {
            return Mono.just(Flavor.ELASTICSEARCH);
        }
        return flavors.computeIfAbsent(name(target.node()), n -> rest.call(target.config(), target.node(),
                        HttpMethod.GET, "/", null, target.tenant(), "detect server version")
                .map(r -> Flavor.of(r.json()))
                .cache(ok -> Duration.ofDays(36_500), error -> Duration.ZERO, () -> Duration.ZERO));
    }

    private static boolean owned(String name, String ownPrefix) {
        return name.startsWith(ownPrefix)
                && name.substring(ownPrefix.length()).matches(IndexNames.LOGICAL_RULE);
    }

    private static List<JsonNode> rows(JsonNode array) {
        List<JsonNode> rows = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(rows::add);
        }
        return rows;
    }

    private static String name(NodeAddress node) {
        return node.host() + ":" + node.port();
    }
}
