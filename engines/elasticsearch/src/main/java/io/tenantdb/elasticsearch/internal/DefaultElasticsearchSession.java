package io.tenantdb.elasticsearch.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.netty.handler.codec.http.HttpMethod;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.IsolationViolationException;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import io.tenantdb.core.session.SearchHit;
import io.tenantdb.core.spi.EngineContext;
import io.tenantdb.core.spi.Target;
import io.tenantdb.core.spi.TargetResolver;
import io.tenantdb.elasticsearch.ElasticsearchSession;
import io.tenantdb.elasticsearch.SearchOptions;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * The engine's session: every method resolves the tenant through the operation runner, derives the tenant's
 * physical index or alias from its target, and talks REST.
 *
 * <p>Under the shared strategy ({@link IsolationStrategy#ROW_LEVEL_SECURITY}) every read goes through the
 * tenant's filtered alias and is also wrapped in an explicit {@code tenant_id} filter; every write goes through
 * the alias with {@code require_alias}, {@code routing} = tenant, {@code tenant_id} stamped into the source and
 * the document id namespaced as {@code tenant:id}, so tenants with equal ids never touch each other's documents.
 */
final class DefaultElasticsearchSession implements ElasticsearchSession {

    private static final DatabaseType ES = DatabaseType.ELASTICSEARCH;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final byte NEWLINE = '\n';

    private final ElasticsearchEngine engine;
    private final EngineContext context;
    private final RestClient rest;
    private final EngineSettings settings;

    DefaultElasticsearchSession(ElasticsearchEngine engine) {
        this.engine = engine;
        this.context = engine.context();
        this.rest = engine.rest();
        this.settings = engine.settings();
    }

    /** One tenant's view of one logical index. */
    private record Scope(Target target, String logical, String name) {

        TenantId tenant() {
            return target.tenant();
        }

        boolean shared() {
            return target.strategy() == IsolationStrategy.ROW_LEVEL_SECURITY;
        }

        String docId(String id) {
            return shared() ? tenant().value() + ":" + id : id;
        }

        /** @return {@code routing=tenant&} under the shared strategy, else {@code ""} */
        String routing() {
            return shared() ? "routing=" + tenant().value() + "&" : "";
        }
    }

    private static Scope scope(Target target, String logical) {
        return new Scope(target, logical, IndexNames.tenantName(target.config().isolation(), target.tenant(), logical));
    }

    private <T> Mono<T> mono(OperationKind kind, String name, Function<Target, Mono<T>> body) {
        return context.operations().mono(ES, kind, name,
                tenant -> TargetResolver.withTarget(context.targets().resolve(ES, tenant, kind), body));
    }

    private <T> Flux<T> flux(OperationKind kind, String name, Function<Target, Publisher<T>> body) {
        return context.operations().flux(ES, kind, name,
                tenant -> TargetResolver.withTargetMany(context.targets().resolve(ES, tenant, kind), body));
    }

    private Mono<RestClient.Response> call(Scope scope, HttpMethod method, String path, JsonNode body, String what,
                                           int... accepted) {
        return rest.call(scope.target().config(), scope.target().node(), method, path,
                body == null ? null : RestClient.bytes(body, scope.tenant()), scope.tenant(),
                what + " " + scope.logical(), accepted);
    }

    @Override
    public DatabaseType engine() {
        return ES;
    }

    @Override
    public <N, T> Flux<T> withNative(Class<N> nativeType, Function<? super N, ? extends Publisher<T>> work) {
        return Flux.error(new UnsupportedFeatureException("the elasticsearch engine has no tenant-scoped native "
                + "client; use ElasticsearchSession (search with SearchOptions, createIndex, aliases, "
                + "deleteByQuery)", null, ES, null));
    }

    // ---- documents

    @Override
    public Mono<Void> index(String index, String id, ObjectNode document) {
        return mono(OperationKind.WRITE, "index", target -> {
            Scope s = scope(target, index);
            ObjectNode source = source(s, document);
            String path = "/" + s.name() + "/_doc/" + encode(s.docId(QueryGuard.checkId(id, s.tenant()))) + "?"
                    + s.routing() + (s.shared() ? "require_alias=true&" : "") + settings.refreshParam();
            return call(s, HttpMethod.PUT, path, source, "index into").then();
        });
    }

    @Override
    public Mono<Long> bulk(String index, Flux<SearchHit> documents) {
        return mono(OperationKind.WRITE, "bulk", target -> {
            Scope s = scope(target, index);
            String path = "/" + s.name() + "/_bulk?" + (s.shared() ? "require_alias=true&" : "")
                    + settings.refreshParam();
            return Flux.defer(() -> {
                        int[] docs = {0};
                        long[] bytes = {0};
                        return documents.map(hit -> bulkLines(s, hit)).bufferUntil(lines -> {
                            docs[0]++;
                            bytes[0] += lines.length;
                            if (docs[0] >= settings.bulkMaxDocs() || bytes[0] >= settings.bulkMaxBytes()) {
                                docs[0] = 0;
                                bytes[0] = 0;
                                return true;
                            }
                            return false;
                        });
                    })
                    .concatMap(batch -> sendBulk(s, path, batch))
                    .reduce(0L, Long::sum);
        });
    }

    private byte[] bulkLines(Scope s, SearchHit hit) {
        if (hit == null) {
            throw new DataAccessException("bulk got a null document", s.tenant(), ES, null);
        }
        ObjectNode action = NODES.objectNode();
        ObjectNode meta = action.putObject("index");
        meta.put("_id", s.docId(QueryGuard.checkId(hit.id(), s.tenant())));
        if (s.shared()) {
            meta.put("routing", s.tenant().value());
        }
        byte[] head = RestClient.bytes(action, s.tenant());
        byte[] body = RestClient.bytes(source(s, hit.source()), s.tenant());
        byte[] lines = new byte[head.length + body.length + 2];
        System.arraycopy(head, 0, lines, 0, head.length);
        lines[head.length] = NEWLINE;
        System.arraycopy(body, 0, lines, head.length + 1, body.length);
        lines[lines.length - 1] = NEWLINE;
        return lines;
    }

    private Mono<Long> sendBulk(Scope s, String path, List<byte[]> batch) {
        int size = 0;
        for (byte[] lines : batch) {
            size += lines.length;
        }
        byte[] body = new byte[size];
        int at = 0;
        for (byte[] lines : batch) {
            System.arraycopy(lines, 0, body, at, lines.length);
            at += lines.length;
        }
        String what = "bulk index into " + s.logical();
        return rest.exchange(s.target().config(), s.target().node(), HttpMethod.POST, path, body,
                        RestClient.NDJSON_TYPE, s.tenant(), what)
                .flatMap(r -> RestClient.checked(r, s.tenant(), what))
                .flatMap(r -> {
                    JsonNode json = r.json();
                    if (json == null) {
                        return Mono.error(new DataAccessException(what + ": unreadable answer", s.tenant(), ES, null));
                    }
                    long ok = 0;
                    for (JsonNode item : json.path("items")) {
                        JsonNode result = item.path("index");
                        if (result.has("error")) {
                            ObjectNode error = NODES.objectNode();
                            error.set("error", result.get("error"));
                            return Mono.error(ErrorMapper.fromResponse(result.path("status").asInt(500), error,
                                    r.retryAfter(), s.tenant(), what + " (" + ok + " of " + batch.size()
                                            + " in this batch done)"));
                        }
                        ok++;
                    }
                    return Mono.just(ok);
                });
    }

    @Override
    public Mono<ObjectNode> get(String index, String id) {
        return mono(OperationKind.READ, "get", target -> {
            Scope s = scope(target, index);
            String path = "/" + s.name() + "/_doc/" + encode(s.docId(QueryGuard.checkId(id, s.tenant()))) + "?"
                    + s.routing();
            return call(s, HttpMethod.GET, path, null, "get from", 404).flatMap(r -> {
                JsonNode json = r.json();
                if (r.status() == 404 && json != null && json.has("found")) {
                    return Mono.empty();
                }
                if (r.status() == 404) {
                    return Mono.error(ErrorMapper.fromResponse(404, json, null, s.tenant(), "get from " + index));
                }
                if (!json.path("found").asBoolean(false)) {
                    return Mono.empty();
                }
                return Mono.just(tenantSource(s, json.path("_id").asText(), json.path("_source")));
            });
        });
    }

    @Override
    public Mono<Boolean> update(String index, String id, ObjectNode partial) {
        return mono(OperationKind.WRITE, "update", target -> {
            Scope s = scope(target, index);
            ObjectNode body = NODES.objectNode();
            body.set("doc", QueryGuard.checkDocument(partial, s.tenant()));
            String path = "/" + s.name() + "/_update/" + encode(s.docId(QueryGuard.checkId(id, s.tenant()))) + "?"
                    + s.routing() + settings.refreshParam();
            return call(s, HttpMethod.POST, path, body, "update in", 404).flatMap(r -> {
                if (r.ok()) {
                    return Mono.just(true);
                }
                JsonNode json = r.json();
                if ("document_missing_exception".equals(ErrorMapper.errorType(json))) {
                    return Mono.just(false);
                }
                return Mono.error(ErrorMapper.fromResponse(404, json, null, s.tenant(), "update in " + index));
            });
        });
    }

    @Override
    public Mono<Boolean> delete(String index, String id) {
        return mono(OperationKind.WRITE, "delete", target -> {
            Scope s = scope(target, index);
            String path = "/" + s.name() + "/_doc/" + encode(s.docId(QueryGuard.checkId(id, s.tenant()))) + "?"
                    + s.routing() + settings.refreshParam();
            return call(s, HttpMethod.DELETE, path, null, "delete from", 404).flatMap(r -> {
                JsonNode json = r.json();
                if (r.ok()) {
                    return Mono.just(true);
                }
                if (json != null && "not_found".equals(json.path("result").asText())) {
                    return Mono.just(false);
                }
                return Mono.error(ErrorMapper.fromResponse(404, json, null, s.tenant(), "delete from " + index));
            });
        });
    }

    // ---- search

    @Override
    public Flux<SearchHit> search(String index, ObjectNode query) {
        return search(index, query, new SearchOptions(settings.pageSize(), null));
    }

    @Override
    public Flux<SearchHit> search(String index, ObjectNode query, SearchOptions options) {
        SearchOptions opts = options == null ? new SearchOptions(settings.pageSize(), null) : options;
        return flux(OperationKind.READ, "search", target -> {
            Scope s = scope(target, index);
            ObjectNode q = tenantQuery(s, query);
            ArrayNode sort = QueryGuard.checkSort(opts.sort(), s.tenant());
            return engine.flavor(target).flatMapMany(flavor -> {
                if (!settings.pointInTime() || !flavor.hasPointInTime()) {
                    return pages(s, q, sort, opts.pageSize(), flavor, null);
                }
                return Flux.usingWhen(openPit(s, flavor),
                        pit -> pages(s, q, sort, opts.pageSize(), flavor, pit),
                        pit -> closePit(s, flavor, pit),
                        (pit, error) -> closePit(s, flavor, pit),
                        pit -> closePit(s, flavor, pit));
            });
        });
    }

    /** A point in time; its id may change from page to page (Elasticsearch). */
    private static final class Pit {
        private volatile String id;

        Pit(String id) {
            this.id = id;
        }
    }

    private record Page(List<SearchHit> hits, JsonNode searchAfter, boolean last) {
    }

    private Mono<Pit> openPit(Scope s, Flavor flavor) {
        return call(s, HttpMethod.POST, flavor.openPitPath(s.name(), settings.keepAliveParam()), null,
                "open point in time on")
                .map(r -> new Pit(r.json().path(flavor.pitIdField()).asText()));
    }

    private Mono<Void> closePit(Scope s, Flavor flavor, Pit pit) {
        ObjectNode body = NODES.objectNode();
        if (flavor.openSearch()) {
            body.putArray("pit_id").add(pit.id);
        } else {
            body.put("id", pit.id);
        }
        return call(s, HttpMethod.DELETE, flavor.closePitPath(), body, "close point in time on", 404)
                .onErrorResume(e -> Mono.empty())
                .then();
    }

    private Flux<SearchHit> pages(Scope s, ObjectNode query, ArrayNode sort, int size, Flavor flavor, Pit pit) {
        ArrayNode fullSort = NODES.arrayNode();
        if (sort != null) {
            fullSort.addAll(sort);
        }
        fullSort.addObject().put(flavor.tieBreaker(pit != null), "asc");
        return page(s, query, fullSort, size, pit, null)
                .expand(page -> page.last() ? Mono.empty() : page(s, query, fullSort, size, pit, page.searchAfter()))
                .concatMapIterable(Page::hits, 1);
    }

    private Mono<Page> page(Scope s, ObjectNode query, ArrayNode sort, int size, Pit pit, JsonNode searchAfter) {
        ObjectNode body = NODES.objectNode();
        body.put("size", size);
        body.set("query", query);
        body.set("sort", sort);
        body.put("track_total_hits", false);
        body.put("track_scores", true);
        if (searchAfter != null) {
            body.set("search_after", searchAfter);
        }
        String path;
        if (pit != null) {
            body.putObject("pit").put("id", pit.id).put("keep_alive", settings.keepAliveParam());
            path = "/_search";
        } else {
            path = "/" + s.name() + "/_search";
        }
        return call(s, HttpMethod.POST, path, body, "search").map(r -> {
            JsonNode json = r.json();
            if (pit != null && json.hasNonNull("pit_id")) {
                pit.id = json.get("pit_id").asText();
            }
            JsonNode hits = json.path("hits").path("hits");
            List<SearchHit> result = new ArrayList<>(hits.size());
            JsonNode last = null;
            for (JsonNode hit : hits) {
                result.add(toHit(s, hit));
                last = hit.path("sort");
            }
            return new Page(result, last, result.size() < size || last == null || !last.isArray());
        });
    }

    @Override
    public Mono<Long> count(String index, ObjectNode query) {
        return mono(OperationKind.READ, "count", target -> {
            Scope s = scope(target, index);
            ObjectNode body = NODES.objectNode();
            body.set("query", tenantQuery(s, query));
            return call(s, HttpMethod.POST, "/" + s.name() + "/_count", body, "count in")
                    .map(r -> r.json().path("count").asLong());
        });
    }

    @Override
    public Mono<Long> deleteByQuery(String index, ObjectNode query) {
        return mono(OperationKind.WRITE, "delete_by_query", target -> {
            Scope s = scope(target, index);
            ObjectNode body = NODES.objectNode();
            body.set("query", tenantQuery(s, query));
            // refresh first, so documents written just before are deleted too
            return call(s, HttpMethod.POST, "/" + s.name() + "/_refresh", null, "refresh")
                    .then(call(s, HttpMethod.POST, "/" + s.name() + "/_delete_by_query?" + s.routing()
                            + "conflicts=proceed&refresh=true", body, "delete by query in"))
                    .map(r -> r.json().path("deleted").asLong());
        });
    }

    @Override
    public Mono<Void> refresh(String index) {
        return mono(OperationKind.WRITE, "refresh", target -> {
            Scope s = scope(target, index);
            return call(s, HttpMethod.POST, "/" + s.name() + "/_refresh", null, "refresh").then();
        });
    }

    // ---- indices and aliases

    @Override
    public Mono<Void> createIndex(String index, ObjectNode mappings, ObjectNode settings) {
        return mono(OperationKind.WRITE, "create_index", target -> createIndex(target, index, mappings, settings));
    }

    /** Also used by provisioning, outside the operation runner. */
    Mono<Void> createIndex(Target target, String logical, ObjectNode mappings, ObjectNode indexSettings) {
        Scope s = scope(target, logical);
        if (mappings != null) {
            QueryGuard.checkQuery(mappings, s.tenant());
        }
        if (indexSettings != null) {
            QueryGuard.checkQuery(indexSettings, s.tenant());
        }
        if (!s.shared()) {
            return ensureIndex(s, s.name(), mappings, indexSettings);
        }
        String shared = IndexNames.sharedName(logical, s.tenant());
        ObjectNode sharedMappings = mappings == null ? NODES.objectNode() : mappings.deepCopy();
        JsonNode properties = sharedMappings.path("properties");
        ObjectNode props = properties.isObject() ? (ObjectNode) properties : sharedMappings.putObject("properties");
        props.putObject(QueryGuard.TENANT_FIELD).put("type", "keyword");
        ObjectNode actions = NODES.objectNode();
        ObjectNode add = actions.putArray("actions").addObject().putObject("add");
        add.put("index", shared).put("alias", s.name());
        add.putObject("filter").putObject("term").put(QueryGuard.TENANT_FIELD, s.tenant().value());
        add.put("routing", s.tenant().value());
        return ensureIndex(s, shared, sharedMappings, indexSettings)
                .then(call(s, HttpMethod.POST, "/_aliases", actions, "add the tenant alias for"))
                .then();
    }

    private Mono<Void> ensureIndex(Scope s, String physical, ObjectNode mappings, ObjectNode indexSettings) {
        ObjectNode body = NODES.objectNode();
        if (mappings != null) {
            body.set("mappings", mappings);
        }
        ObjectNode effective = indexSettings == null ? NODES.objectNode() : indexSettings.deepCopy();
        if (!effective.has("index")) {
            // configured defaults, unless the caller set them
            if (settings.shards() > 0 && !effective.has("number_of_shards")) {
                effective.put("number_of_shards", settings.shards());
            }
            if (settings.replicas() >= 0 && !effective.has("number_of_replicas")) {
                effective.put("number_of_replicas", settings.replicas());
            }
        }
        if (!effective.isEmpty()) {
            body.set("settings", effective);
        }
        return call(s, HttpMethod.PUT, "/" + physical, body, "create index", 400).flatMap(r -> {
            if (r.ok()) {
                return Mono.<Void>empty();
            }
            JsonNode json = r.json();
            if (!"resource_already_exists_exception".equals(ErrorMapper.errorType(json))) {
                return Mono.error(ErrorMapper.fromResponse(r.status(), json, null, s.tenant(),
                        "create index " + s.logical()));
            }
            if (mappings == null || mappings.isEmpty()) {
                return Mono.<Void>empty();
            }
            return call(s, HttpMethod.PUT, "/" + physical + "/_mapping", mappings, "update mappings of").then();
        });
    }

    @Override
    public Mono<Boolean> deleteIndex(String index) {
        return mono(OperationKind.WRITE, "delete_index", target -> {
            Scope s = scope(target, index);
            if (!s.shared()) {
                return call(s, HttpMethod.DELETE, "/" + s.name(), null, "delete index", 404).map(RestClient.Response::ok);
            }
            String shared = IndexNames.sharedName(index, s.tenant());
            return deleteTenantDocs(target, shared).then(removeAliasAction(target, shared, s.name()));
        });
    }

    @Override
    public Mono<Void> addAlias(String index, String alias) {
        return mono(OperationKind.WRITE, "add_alias", target -> {
            Scope s = scope(target, index);
            String aliasName = IndexNames.tenantName(target.config().isolation(), s.tenant(), alias);
            ObjectNode actions = NODES.objectNode();
            ObjectNode add = actions.putArray("actions").addObject().putObject("add");
            if (s.shared()) {
                add.put("index", IndexNames.sharedName(index, s.tenant())).put("alias", aliasName);
                add.putObject("filter").putObject("term").put(QueryGuard.TENANT_FIELD, s.tenant().value());
                add.put("routing", s.tenant().value());
            } else {
                add.put("index", s.name()).put("alias", aliasName);
            }
            return call(s, HttpMethod.POST, "/_aliases", actions, "add alias " + alias + " to").then();
        });
    }

    @Override
    public Mono<Boolean> removeAlias(String index, String alias) {
        return mono(OperationKind.WRITE, "remove_alias", target -> {
            Scope s = scope(target, index);
            String physical = s.shared() ? IndexNames.sharedName(index, s.tenant()) : s.name();
            return removeAliasAction(target,
                    physical, IndexNames.tenantName(target.config().isolation(), s.tenant(), alias));
        });
    }

    /** Removes one alias from one index; {@code false} when it was not there. */
    Mono<Boolean> removeAliasAction(Target target, String physicalIndex, String physicalAlias) {
        ObjectNode actions = NODES.objectNode();
        actions.putArray("actions").addObject().putObject("remove")
                .put("index", physicalIndex).put("alias", physicalAlias);
        return rest.call(target.config(), target.node(), HttpMethod.POST, "/_aliases",
                        RestClient.bytes(actions, target.tenant()), target.tenant(), "remove alias", 404)
                .map(RestClient.Response::ok);
    }

    /** Deletes every document of the target's tenant from one shared index (deprovisioning). */
    Mono<Void> deleteTenantDocs(Target target, String sharedIndex) {
        ObjectNode body = NODES.objectNode();
        body.putObject("query").putObject("term").put(QueryGuard.TENANT_FIELD, target.tenant().value());
        return rest.call(target.config(), target.node(), HttpMethod.POST, "/" + sharedIndex + "/_refresh", null,
                        target.tenant(), "refresh", 404)
                .then(rest.call(target.config(), target.node(), HttpMethod.POST, "/" + sharedIndex
                                + "/_delete_by_query?routing=" + target.tenant().value() + "&conflicts=proceed&refresh=true",
                        RestClient.bytes(body, target.tenant()), target.tenant(), "delete the tenant's documents", 404))
                .then();
    }

    // ---- helpers

    private static ObjectNode tenantQuery(Scope s, ObjectNode query) {
        ObjectNode checked = QueryGuard.checkQuery(query, s.tenant());
        return s.shared() ? QueryGuard.tenantFiltered(checked, s.tenant()) : checked;
    }

    private static ObjectNode source(Scope s, ObjectNode document) {
        ObjectNode checked = QueryGuard.checkDocument(document, s.tenant());
        if (!s.shared()) {
            return checked;
        }
        ObjectNode stamped = NODES.objectNode();
        stamped.put(QueryGuard.TENANT_FIELD, s.tenant().value());
        stamped.setAll(checked);
        return stamped;
    }

    private static SearchHit toHit(Scope s, JsonNode hit) {
        JsonNode score = hit.path("_score");
        return new SearchHit(s.logical(), logicalId(s, hit.path("_id").asText()),
                score.isNumber() ? score.asDouble() : Double.NaN,
                tenantSource(s, hit.path("_id").asText(), hit.path("_source")));
    }

    /** Strips the tenant bookkeeping, failing closed if a document of another tenant ever shows up. */
    private static ObjectNode tenantSource(Scope s, String physicalId, JsonNode source) {
        ObjectNode copy = source.isObject() ? ((ObjectNode) source).deepCopy() : NODES.objectNode();
        JsonNode owner = copy.remove(QueryGuard.TENANT_FIELD);
        if (s.shared() && (owner == null || !owner.asText().equals(s.tenant().value())
                || !physicalId.startsWith(s.tenant().value() + ":"))) {
            throw new IsolationViolationException("a document not owned by the tenant reached it through "
                    + s.logical() + " (id " + physicalId + "): check the shared index's aliases",
                    s.tenant(), ES, null);
        }
        return copy;
    }

    private static String logicalId(Scope s, String physicalId) {
        return s.shared() ? physicalId.substring(s.tenant().value().length() + 1) : physicalId;
    }

    private static String encode(String id) {
        return URLEncoder.encode(id, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
