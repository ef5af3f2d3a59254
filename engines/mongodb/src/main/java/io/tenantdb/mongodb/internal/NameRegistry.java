package io.tenantdb.mongodb.internal;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.DataAccessException;

import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * The database and collection names this engine has used, to refuse names that differ from one
 * already used only by case: MongoDB refuses such databases, and such collections are an easy way to
 * confuse people and tools on case-insensitive file systems. Kept for the life of the engine.
 */
final class NameRegistry {

    private final ConcurrentMap<String, String> databases = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, String> collections = new ConcurrentHashMap<>();

    void claimDatabase(String name, TenantId tenant) {
        String existing = databases.putIfAbsent(name.toLowerCase(Locale.ROOT), name);
        if (existing != null && !existing.equals(name)) {
            throw collision("database", name, existing, tenant);
        }
    }

    void claimCollection(String database, String name, TenantId tenant) {
        String key = database + "\0" + name.toLowerCase(Locale.ROOT);
        String existing = collections.putIfAbsent(key, name);
        if (existing != null && !existing.equals(name)) {
            throw collision("collection", name, existing, tenant);
        }
    }

    /** Forgets a database and its collections (after it was dropped). */
    void forgetDatabase(String database) {
        databases.remove(database.toLowerCase(Locale.ROOT));
        collections.keySet().removeIf(k -> k.startsWith(database + "\0"));
    }

    /** Forgets the collections of a database starting with a prefix (after they were dropped). */
    void forgetCollections(String database, String prefix) {
        collections.keySet().removeIf(k -> k.startsWith(database + "\0" + prefix.toLowerCase(Locale.ROOT)));
    }

    private static DataAccessException collision(String kind, String name, String existing, TenantId tenant) {
        return new DataAccessException(kind + " name '" + name + "' differs only in case from '" + existing
                + "', which is already in use: use exactly '" + existing + "' or a different name", tenant,
                DatabaseType.MONGODB, null);
    }
}
