package io.tenantdb.mongodb.internal;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.IsolationViolationException;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Confines an aggregation pipeline to one tenant: maps every collection it names ({@code $lookup},
 * {@code $unionWith}, {@code $graphLookup}, {@code $out}, {@code $merge}) to the tenant's physical
 * collection, and under row-level security starts the pipeline and every sub-pipeline reading another
 * collection with a {@code $match} on the tenant field. {@code $lookup} with
 * {@code localField}/{@code foreignField} is rewritten to its pipeline form so the tenant match can be
 * added; a leading {@code $geoNear} gets the tenant in its {@code query}. Stages that would show or
 * change other tenants' data are refused.
 */
final class PipelineRewriter {

    /** Stages that show server-wide state or bypass the collection: never through tenantdb. */
    private static final Set<String> REFUSED = Set.of("$currentOp", "$listSessions", "$listLocalSessions",
            "$changeStream", "$changeStreamSplitLargeEvent", "$listSampledQueries", "$listSearchIndexes",
            "$querySettings", "$shardedDataDistribution");
    /** Stages that describe the whole (shared) collection: refused under row-level security. */
    private static final Set<String> REFUSED_SHARED = Set.of("$collStats", "$indexStats", "$planCacheStats",
            "$out", "$merge", "$search", "$searchMeta", "$vectorSearch", "$geoNear", "$documents");
    static final String LOCAL_VARIABLE = "tdb_local";

    private PipelineRewriter() {
    }

    static List<Document> rewrite(List<? extends Map<String, ?>> pipeline, TenantScope scope, boolean top) {
        if (pipeline == null) {
            throw new DataAccessException("pipeline must not be null", scope.tenant(), DatabaseType.MONGODB, null);
        }
        List<Document> out = new ArrayList<>(pipeline.size() + 1);
        int start = 0;
        if (top && scope.rowLevel()) {
            Map<String, ?> first = pipeline.isEmpty() ? null : pipeline.get(0);
            if (first != null && first.size() == 1 && first.get("$geoNear") instanceof Map) {
                // $geoNear must stay first: the tenant goes into its query instead of a $match before it.
                out.add(new Document("$geoNear", geoNear(castMap(first.get("$geoNear")), scope)));
                start = 1;
            } else {
                out.add(tenantMatch(scope));
            }
        }
        for (int i = start; i < pipeline.size(); i++) {
            out.add(stage(pipeline.get(i), scope));
        }
        return out;
    }

    private static Document geoNear(Map<String, Object> spec, TenantScope scope) {
        InputGuard.checkFilter(spec, scope, "$geoNear");
        Document geo = Bsons.copy(spec);
        Object query = geo.get("query");
        Document confined = query instanceof Map ? Bsons.copy(castMap(query)) : new Document();
        confined.put(scope.tenantField(), scope.tenant().value());
        geo.put("query", confined);
        return geo;
    }

    private static List<Document> subPipeline(Object value, TenantScope scope, boolean readsOtherCollection,
                                              String where) {
        List<Document> stages = value == null ? List.of() : Bsons.stages(value);
        if (stages == null) {
            throw new DataAccessException(where + ": pipeline must be a list of stage documents", scope.tenant(),
                    DatabaseType.MONGODB, null);
        }
        List<Document> out = new ArrayList<>(stages.size() + 1);
        if (readsOtherCollection && scope.rowLevel()) {
            out.add(tenantMatch(scope));
        }
        for (Document stage : stages) {
            out.add(stage(stage, scope));
        }
        return out;
    }

    private static Document tenantMatch(TenantScope scope) {
        return new Document("$match", new Document(scope.tenantField(), scope.tenant().value()));
    }

    private static Document stage(Map<String, ?> stage, TenantScope scope) {
        if (stage == null || stage.size() != 1) {
            throw new DataAccessException("each pipeline stage must be a document with exactly one operator, was "
                    + stage, scope.tenant(), DatabaseType.MONGODB, null);
        }
        Map.Entry<String, ?> e = stage.entrySet().iterator().next();
        String op = e.getKey();
        Object arg = e.getValue() instanceof Bson && !(e.getValue() instanceof Map)
                ? Bsons.toDocument((Bson) e.getValue()) : e.getValue();
        if (REFUSED.contains(op)) {
            throw new IsolationViolationException("pipeline stage " + op + " is not available through tenantdb"
                    + (op.startsWith("$changeStream") ? ": use MongoDocumentSession.watch" : ": it shows server-wide state"),
                    scope.tenant(), DatabaseType.MONGODB, null);
        }
        if (scope.rowLevel() && REFUSED_SHARED.contains(op)) {
            throw new IsolationViolationException("pipeline stage " + op + " is refused under ROW_LEVEL_SECURITY: it would"
                    + " read or write the collection shared with other tenants as a whole; give the tenant its own"
                    + " database or collections to use it", scope.tenant(), DatabaseType.MONGODB, null);
        }
        switch (op) {
            case "$lookup":
                return new Document(op, lookup(document(op, arg, scope), scope));
            case "$unionWith":
                return new Document(op, unionWith(arg, scope));
            case "$graphLookup":
                return new Document(op, graphLookup(document(op, arg, scope), scope));
            case "$facet": {
                Document facets = document(op, arg, scope);
                Document rewritten = new Document();
                for (Map.Entry<String, Object> f : facets.entrySet()) {
                    rewritten.put(f.getKey(), subPipeline(f.getValue(), scope, false, "$facet." + f.getKey()));
                }
                return new Document(op, rewritten);
            }
            case "$out":
                return new Document(op, out(arg, scope));
            case "$merge":
                return new Document(op, merge(arg, scope));
            default:
                InputGuard.checkFilter(arg, scope, "pipeline stage " + op);
                return new Document(op, arg);
        }
    }

    private static Document lookup(Document lookup, TenantScope scope) {
        Document out = new Document();
        for (Map.Entry<String, Object> f : lookup.entrySet()) {
            switch (f.getKey()) {
                case "from":
                    out.put("from", collectionName("$lookup.from", f.getValue(), scope));
                    break;
                case "pipeline":
                    out.put("pipeline", subPipeline(f.getValue(), scope, true, "$lookup.pipeline"));
                    break;
                case "let":
                    InputGuard.checkFilter(f.getValue(), scope, "$lookup.let");
                    out.put("let", f.getValue());
                    break;
                default:
                    out.put(f.getKey(), f.getValue());
            }
        }
        if (!out.containsKey("from")) {
            throw new DataAccessException("$lookup needs 'from'", scope.tenant(), DatabaseType.MONGODB, null);
        }
        boolean hasFields = out.containsKey("localField") || out.containsKey("foreignField");
        if (scope.rowLevel() && hasFields && !out.containsKey("pipeline")) {
            // The equality form cannot carry the tenant match: rewrite it to let + pipeline.
            Object local = out.remove("localField");
            Object foreign = out.remove("foreignField");
            if (!(local instanceof String) || !(foreign instanceof String)) {
                throw new DataAccessException("$lookup needs both localField and foreignField as field names",
                        scope.tenant(), DatabaseType.MONGODB, null);
            }
            String variable = "$$" + LOCAL_VARIABLE;
            String foreignPath = "$" + foreign;
            // equal, or an element of an array localField (as the equality form matches)
            Document match = new Document("$expr", new Document("$or", List.of(
                    new Document("$eq", List.of(foreignPath, variable)),
                    new Document("$in", List.of(foreignPath, new Document("$cond", List.of(
                            new Document("$isArray", variable), variable, List.of())))))));
            out.put("let", new Document(LOCAL_VARIABLE, "$" + local));
            out.put("pipeline", List.of(tenantMatch(scope), new Document("$match", match)));
        }
        return out;
    }

    private static Object unionWith(Object arg, TenantScope scope) {
        if (arg instanceof String) {
            Document out = new Document("coll", collectionName("$unionWith", arg, scope));
            if (scope.rowLevel()) {
                out.put("pipeline", List.of(tenantMatch(scope)));
            }
            return out;
        }
        Document spec = document("$unionWith", arg, scope);
        Document out = new Document();
        out.put("coll", collectionName("$unionWith.coll", spec.get("coll"), scope));
        for (Map.Entry<String, Object> f : spec.entrySet()) {
            if (!"coll".equals(f.getKey()) && !"pipeline".equals(f.getKey())) {
                throw new DataAccessException("$unionWith accepts only coll and pipeline, not " + f.getKey(),
                        scope.tenant(), DatabaseType.MONGODB, null);
            }
        }
        out.put("pipeline", subPipeline(spec.get("pipeline"), scope, true, "$unionWith.pipeline"));
        return out;
    }

    private static Document graphLookup(Document spec, TenantScope scope) {
        Document out = new Document();
        for (Map.Entry<String, Object> f : spec.entrySet()) {
            if ("from".equals(f.getKey())) {
                out.put("from", collectionName("$graphLookup.from", f.getValue(), scope));
            } else {
                InputGuard.checkFilter(f.getValue(), scope, "$graphLookup." + f.getKey());
                out.put(f.getKey(), f.getValue());
            }
        }
        if (scope.rowLevel()) {
            Object restrict = out.get("restrictSearchWithMatch");
            Document match = restrict instanceof Map ? Bsons.copy(castMap(restrict)) : new Document();
            match.put(scope.tenantField(), scope.tenant().value());
            out.put("restrictSearchWithMatch", match);
        }
        return out;
    }

    private static Object out(Object arg, TenantScope scope) {
        if (arg instanceof String) {
            return collectionName("$out", arg, scope);
        }
        Document spec = document("$out", arg, scope);
        checkSameDatabase("$out", spec.get("db"), scope);
        return new Document("db", scope.databaseName()).append("coll", collectionName("$out.coll", spec.get("coll"), scope));
    }

    private static Object merge(Object arg, TenantScope scope) {
        if (arg instanceof String) {
            return collectionName("$merge", arg, scope);
        }
        Document spec = document("$merge", arg, scope);
        Document out = new Document();
        for (Map.Entry<String, Object> f : spec.entrySet()) {
            if ("into".equals(f.getKey())) {
                Object into = f.getValue();
                if (into instanceof Map) {
                    Document target = Bsons.copy(castMap(into));
                    checkSameDatabase("$merge.into", target.get("db"), scope);
                    out.put("into", new Document("db", scope.databaseName())
                            .append("coll", collectionName("$merge.into.coll", target.get("coll"), scope)));
                } else {
                    out.put("into", collectionName("$merge.into", into, scope));
                }
            } else if ("whenMatched".equals(f.getKey()) && f.getValue() instanceof List) {
                out.put("whenMatched", subPipeline(f.getValue(), scope, false, "$merge.whenMatched"));
            } else {
                InputGuard.checkFilter(f.getValue(), scope, "$merge." + f.getKey());
                out.put(f.getKey(), f.getValue());
            }
        }
        return out;
    }

    private static void checkSameDatabase(String where, Object db, TenantScope scope) {
        if (db != null && !scope.databaseName().equals(db)) {
            throw new IsolationViolationException(where + " names another database: a tenant's pipeline may only use its"
                    + " own collections; give a collection name", scope.tenant(), DatabaseType.MONGODB, null);
        }
    }

    private static String collectionName(String where, Object value, TenantScope scope) {
        if (!(value instanceof String)) {
            throw new IsolationViolationException(where + " must be a collection name of the tenant (a string), was "
                    + (value == null ? "missing" : value.getClass().getSimpleName()) + ": other databases cannot be named",
                    scope.tenant(), DatabaseType.MONGODB, null);
        }
        return scope.physical("collection", (String) value);
    }

    private static Document document(String op, Object arg, TenantScope scope) {
        if (arg instanceof Map) {
            return Bsons.copy(castMap(arg));
        }
        throw new DataAccessException(op + " needs a document argument", scope.tenant(), DatabaseType.MONGODB, null);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> castMap(Object o) {
        return (Map<String, Object>) o;
    }
}
