package io.tenantdb.elasticsearch;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.spi.Engine;
import io.tenantdb.core.spi.EngineContext;
import io.tenantdb.core.spi.EngineProvider;
import io.tenantdb.elasticsearch.internal.ElasticsearchEngine;

import java.util.Set;

/**
 * The {@link java.util.ServiceLoader} entry of the Elasticsearch / OpenSearch engine
 * ({@link DatabaseType#ELASTICSEARCH}). Creating the engine does not connect: connections open on first use.
 */
public final class ElasticsearchEngineProvider implements EngineProvider {

    /** For {@link java.util.ServiceLoader}. */
    public ElasticsearchEngineProvider() {
    }

    @Override
    public Set<DatabaseType> types() {
        return Set.of(DatabaseType.ELASTICSEARCH);
    }

    @Override
    public Engine create(EngineContext context) {
        return new ElasticsearchEngine(context);
    }
}
