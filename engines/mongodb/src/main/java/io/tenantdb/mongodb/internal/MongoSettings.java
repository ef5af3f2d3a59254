package io.tenantdb.mongodb.internal;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.config.ConfigNode;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.exception.ConfigException;

/**
 * The {@code mongodb} section of a tenant's merged configuration.
 *
 * @param allowServerSideJs allow {@code $where}, {@code $function}, {@code $accumulator}
 * @param tenantField       the row-level tenant field
 * @param insertBatchSize   documents per insertMany round trip
 * @param nativeOnShared    allow the native database for shared strategies
 * @param preImages         use change stream pre-images for row-level delete events
 */
record MongoSettings(boolean allowServerSideJs, String tenantField, int insertBatchSize, boolean nativeOnShared,
                     boolean preImages) {

    static final String DEFAULT_TENANT_FIELD = "tenantId";
    static final int DEFAULT_INSERT_BATCH_SIZE = 500;

    static MongoSettings from(DatabaseConfig config) {
        ConfigNode node = config.section("mongodb");
        String field = node.string("tenant_field", DEFAULT_TENANT_FIELD);
        if (field.isEmpty() || field.startsWith("$") || field.contains(".") || field.indexOf('\0') >= 0) {
            throw new ConfigException("mongodb.tenant_field must be a plain top-level field name (no '$', '.', NUL), was '"
                    + field + "'", DatabaseType.MONGODB, null);
        }
        int batch = node.integer("insert_batch_size", DEFAULT_INSERT_BATCH_SIZE);
        if (batch < 1 || batch > 100_000) {
            throw new ConfigException("mongodb.insert_batch_size must be 1..100000, was " + batch, DatabaseType.MONGODB, null);
        }
        return new MongoSettings(node.bool("allow_server_side_js", false), field, batch,
                node.bool("native_on_shared", false), node.bool("change_stream_pre_images", false));
    }
}
