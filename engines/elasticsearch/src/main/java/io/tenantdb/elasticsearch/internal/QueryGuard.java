package io.tenantdb.elasticsearch.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.IsolationViolationException;

import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * Checks caller-supplied Query DSL and documents before they reach the server, and wraps queries in the tenant
 * filter. The caller only ever supplies the {@code query} object and {@code sort}; tenantdb builds the rest of
 * every request body itself, so index names, {@code pit}, {@code stored_fields} and the like never come from a
 * caller.
 *
 * <p>Refused anywhere in a query: constructs that read other indices or run code — {@code terms} lookups and
 * {@code geo_shape} indexed shapes ({@code index}/{@code id}/{@code path} objects), {@code _index} references,
 * {@code more_like_this} documents, {@code percolate}, {@code wrapper} (a base64-encoded query tenantdb could not
 * check), and every script ({@code script}, {@code script_score}, {@code *_script}).
 */
final class QueryGuard {

    /** The field holding the tenant under the shared strategy; reserved in every strategy. */
    static final String TENANT_FIELD = "tenant_id";

    private static final Set<String> REFUSED_KEYS = Set.of("_index", "wrapper", "percolate", "script",
            "script_score", "script_fields", "runtime_mappings", "indexed_shape", "more_like_this", "mlt");
    private static final Set<String> LOOKUP_QUERIES = Set.of("terms", "terms_set");
    private static final int MAX_DEPTH = 64;

    private QueryGuard() {
    }

    /**
     * @param query  the caller's query, e.g. {@code {"match":{"title":"x"}}}; {@code null} means match all
     * @param tenant the tenant, for messages
     * @return the query, checked
     */
    static ObjectNode checkQuery(ObjectNode query, TenantId tenant) {
        if (query == null) {
            ObjectNode all = JsonNodeFactory.instance.objectNode();
            all.putObject("match_all");
            return all;
        }
        walk(query, tenant, 0, null);
        return query;
    }

    /**
     * @param sort   the caller's sort ({@code null} for none)
     * @param tenant the tenant, for messages
     * @return the sort, checked
     */
    static ArrayNode checkSort(ArrayNode sort, TenantId tenant) {
        if (sort != null) {
            walk(sort, tenant, 0, null);
        }
        return sort;
    }

    /**
     * Wraps a checked query for the shared strategy: the tenant filter in {@code bool.filter} (not scored, not
     * liftable by anything in the caller's query, which sits in {@code bool.must}).
     *
     * @param query  the checked query
     * @param tenant the tenant
     * @return {@code {"bool":{"filter":[{"term":{"tenant_id":tenant}}],"must":[query]}}}
     */
    static ObjectNode tenantFiltered(ObjectNode query, TenantId tenant) {
        ObjectNode wrapped = JsonNodeFactory.instance.objectNode();
        ObjectNode bool = wrapped.putObject("bool");
        bool.putArray("filter").addObject().putObject("term").put(TENANT_FIELD, tenant.value());
        bool.putArray("must").add(query);
        return wrapped;
    }

    /**
     * @param document a caller's document
     * @param tenant   the tenant, for messages
     * @return the document, checked: an object without the reserved {@code tenant_id} field or metadata fields
     */
    static ObjectNode checkDocument(ObjectNode document, TenantId tenant) {
        if (document == null) {
            throw refused("a document is required (got null)", tenant);
        }
        Iterator<String> names = document.fieldNames();
        while (names.hasNext()) {
            String name = names.next();
            if (name.equals(TENANT_FIELD)) {
                throw refused("documents may not set '" + TENANT_FIELD + "': tenantdb sets it from the tenant "
                        + "context; remove the field", tenant);
            }
            if (name.startsWith("_")) {
                throw refused("document field '" + name + "' looks like a metadata field (leading _): rename it",
                        tenant);
            }
        }
        return document;
    }

    /**
     * @param id     a caller's document id
     * @param tenant the tenant, for messages
     * @return the id, checked (non-empty, at most 256 characters)
     */
    static String checkId(String id, TenantId tenant) {
        if (id == null || id.isEmpty() || id.length() > 256) {
            throw refused("document id must have 1 to 256 characters", tenant);
        }
        return id;
    }

    private static void walk(JsonNode node, TenantId tenant, int depth, String parentKey) {
        if (depth > MAX_DEPTH) {
            throw refused("query is nested deeper than " + MAX_DEPTH + " levels", tenant);
        }
        if (node.isObject()) {
            Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
            while (fields.hasNext()) {
                Map.Entry<String, JsonNode> field = fields.next();
                String key = field.getKey();
                if (REFUSED_KEYS.contains(key) || key.endsWith("_script")) {
                    throw refused("'" + key + "' is not allowed in a tenant query (it can reach other indices or "
                            + "run code)", tenant);
                }
                if (key.equals(TENANT_FIELD)) {
                    throw refused("queries may not name '" + TENANT_FIELD + "': tenantdb filters on it itself",
                            tenant);
                }
                if (LOOKUP_QUERIES.contains(key) && field.getValue().isObject()) {
                    field.getValue().fields().forEachRemaining(term -> {
                        if (term.getValue().isObject() && (term.getValue().has("index") || term.getValue().has("id")
                                || term.getValue().has("path"))) {
                            throw refused("'" + key + "' lookups read another document or index and are not "
                                    + "allowed in a tenant query: pass the values", tenant);
                        }
                    });
                }
                walk(field.getValue(), tenant, depth + 1, key);
            }
        } else if (node.isArray()) {
            for (JsonNode element : node) {
                walk(element, tenant, depth + 1, parentKey);
            }
        }
    }

    private static IsolationViolationException refused(String why, TenantId tenant) {
        return new IsolationViolationException(why, tenant, DatabaseType.ELASTICSEARCH, null);
    }
}
