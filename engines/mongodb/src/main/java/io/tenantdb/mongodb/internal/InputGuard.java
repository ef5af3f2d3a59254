package io.tenantdb.mongodb.internal;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.IsolationViolationException;
import org.bson.conversions.Bson;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Set;

/**
 * Checks what callers hand the engine: names, filters, documents, updates. Every check throws a
 * tenantdb exception naming the tenant, the engine and the fix.
 */
final class InputGuard {

    /** Characters MongoDB forbids or gives meaning to in database and collection names, plus '.' and space. */
    private static final String FORBIDDEN_NAME_CHARS = "/\\. \"$*<>:|?\0";
    /** Database names are limited to 64 bytes; caller names follow the same limit. */
    static final int MAX_NAME_BYTES = 64;
    private static final Set<String> SERVER_SIDE_JS = Set.of("$where", "$function", "$accumulator");
    private static final Set<String> UPDATE_OPERATORS = Set.of("$set", "$unset", "$inc", "$mul", "$rename", "$min",
            "$max", "$currentDate", "$addToSet", "$pop", "$pull", "$push", "$pullAll", "$setOnInsert", "$bit");

    private InputGuard() {
    }

    /**
     * @param kind   what the name is for (collection, bucket, database, index)
     * @param name   the name
     * @param tenant the tenant, for the message
     */
    static void checkName(String kind, String name, TenantId tenant) {
        if (name == null || name.isEmpty()) {
            throw new DataAccessException(kind + " name must not be empty", tenant, DatabaseType.MONGODB, null);
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (FORBIDDEN_NAME_CHARS.indexOf(c) >= 0 || Character.isISOControl(c)) {
                throw new DataAccessException(kind + " name '" + printable(name) + "' contains " + describe(c)
                        + " at position " + i + ": names may not contain / \\ . space \" $ * < > : | ? or control characters;"
                        + " use letters, digits, '_' or '-'", tenant, DatabaseType.MONGODB, null);
            }
        }
        int bytes = name.getBytes(StandardCharsets.UTF_8).length;
        if (bytes >= MAX_NAME_BYTES) {
            throw new DataAccessException(kind + " name '" + printable(name) + "' is " + bytes + " bytes: names must be shorter than "
                    + MAX_NAME_BYTES + " bytes", tenant, DatabaseType.MONGODB, null);
        }
    }

    /**
     * Checks a caller filter (or sort, projection, partial filter, change-stream stage).
     *
     * @param filter  the filter
     * @param scope   the tenant's scope: JS permission and reserved tenant field
     * @param what    what it is, for the message
     */
    static void checkFilter(Object filter, TenantScope scope, String what) {
        walk(filter, scope, what, false);
    }

    /**
     * Checks a document to be written: no field name starting with '$' or holding NUL, and no tenant field.
     *
     * @param document the document
     * @param scope    the tenant's scope
     */
    static void checkDocument(Map<String, ?> document, TenantScope scope) {
        if (document == null) {
            throw new DataAccessException("document must not be null", scope.tenant(), DatabaseType.MONGODB, null);
        }
        walk(document, scope, "document", true);
    }

    /**
     * Checks an update document: only update operators at the top level, their fields not the tenant field.
     *
     * @param update the update
     * @param scope  the tenant's scope
     */
    static void checkUpdate(Map<String, ?> update, TenantScope scope) {
        if (update == null || update.isEmpty()) {
            throw new DataAccessException("update must not be empty: give operators such as {$set: {...}}",
                    scope.tenant(), DatabaseType.MONGODB, null);
        }
        for (Map.Entry<String, ?> e : update.entrySet()) {
            String op = e.getKey();
            if (!UPDATE_OPERATORS.contains(op)) {
                throw new DataAccessException("update key '" + printable(op) + "' is not an update operator: use "
                        + UPDATE_OPERATORS + " (use replaceOne to replace a whole document)", scope.tenant(),
                        DatabaseType.MONGODB, null);
            }
            if (!(e.getValue() instanceof Map)) {
                throw new DataAccessException("update operator " + op + " needs a document of fields", scope.tenant(),
                        DatabaseType.MONGODB, null);
            }
            for (Map.Entry<?, ?> field : ((Map<?, ?>) e.getValue()).entrySet()) {
                String path = String.valueOf(field.getKey());
                checkFieldPath(path, scope, "update " + op);
                if ("$rename".equals(op)) {
                    checkFieldPath(String.valueOf(field.getValue()), scope, "update $rename target");
                }
                walk(field.getValue(), scope, "update " + op, false);
            }
        }
    }

    /**
     * Refuses a value that is or holds an operator where a plain value is expected (an {@code _id}).
     *
     * @param what  what the value is for
     * @param value the value
     * @param scope the tenant's scope
     */
    static void checkPlainValue(String what, Object value, TenantScope scope) {
        if (value == null) {
            throw new DataAccessException(what + " must not be null", scope.tenant(), DatabaseType.MONGODB, null);
        }
        try {
            io.tenantdb.mongodb.MongoFilters.checkPlain(what, value);
        } catch (IllegalArgumentException e) {
            throw new IsolationViolationException(e.getMessage(), scope.tenant(), DatabaseType.MONGODB, null);
        }
    }

    private static void checkFieldPath(String path, TenantScope scope, String what) {
        if (path.indexOf('\0') >= 0) {
            throw new DataAccessException(what + ": field name holds NUL", scope.tenant(), DatabaseType.MONGODB, null);
        }
        if (isTenantField(path, scope)) {
            throw tenantFieldViolation(what, scope);
        }
    }

    private static boolean isTenantField(String key, TenantScope scope) {
        String field = scope.tenantField();
        return field != null && (key.equals(field) || key.startsWith(field + "."));
    }

    static IsolationViolationException tenantFieldViolation(String what, TenantScope scope) {
        return new IsolationViolationException(what + " names the tenant field '" + scope.tenantField()
                + "', which tenantdb sets and filters itself under ROW_LEVEL_SECURITY: remove it", scope.tenant(),
                DatabaseType.MONGODB, null);
    }

    private static void walk(Object value, TenantScope scope, String what, boolean writtenDocument) {
        if (value instanceof Map) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                String key = String.valueOf(e.getKey());
                if (key.indexOf('\0') >= 0) {
                    throw new DataAccessException(what + ": field name holds NUL", scope.tenant(), DatabaseType.MONGODB, null);
                }
                if (writtenDocument && key.startsWith("$")) {
                    throw new DataAccessException(what + " field name '" + printable(key) + "' starts with '$': operators are"
                            + " not allowed in stored field names (possible injection); rename the field",
                            scope.tenant(), DatabaseType.MONGODB, null);
                }
                if (!scope.settings().allowServerSideJs() && SERVER_SIDE_JS.contains(key)) {
                    throw new IsolationViolationException(what + " uses " + key + " (server-side JavaScript), which is"
                            + " refused: rewrite it with query operators or set mongodb.allow_server_side_js: true",
                            scope.tenant(), DatabaseType.MONGODB, null);
                }
                if (isTenantField(key, scope)) {
                    throw tenantFieldViolation(what, scope);
                }
                walk(e.getValue(), scope, what, writtenDocument);
            }
        } else if (value instanceof Collection) {
            for (Object v : (Collection<?>) value) {
                walk(v, scope, what, writtenDocument);
            }
        } else if (value instanceof Object[]) {
            for (Object v : (Object[]) value) {
                walk(v, scope, what, writtenDocument);
            }
        } else if (value instanceof Bson) {
            walk(Bsons.toDocument((Bson) value), scope, what, writtenDocument);
        }
    }

    static String printable(String s) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length() && i < 80; i++) {
            char c = s.charAt(i);
            b.append(Character.isISOControl(c) ? String.format("\\u%04x", (int) c) : String.valueOf(c));
        }
        return s.length() > 80 ? b + "..." : b.toString();
    }

    private static String describe(char c) {
        return Character.isISOControl(c) ? String.format("control character \\u%04x", (int) c) : "'" + c + "'";
    }
}
