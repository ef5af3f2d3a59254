package io.tenantdb.mongodb;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.spi.Engine;
import io.tenantdb.core.spi.EngineContext;
import io.tenantdb.core.spi.EngineProvider;
import io.tenantdb.mongodb.internal.MongoEngine;

import java.util.Set;

/**
 * The MongoDB engine's {@link java.util.ServiceLoader} entry. Serves {@link DatabaseType#MONGODB};
 * the engine hands out {@link MongoDocumentSession}s (also as {@code DocumentSession}).
 */
public final class MongoEngineProvider implements EngineProvider {

    /** For {@link java.util.ServiceLoader}. */
    public MongoEngineProvider() {
    }

    @Override
    public Set<DatabaseType> types() {
        return Set.of(DatabaseType.MONGODB);
    }

    @Override
    public Engine create(EngineContext context) {
        return new MongoEngine(context);
    }
}
