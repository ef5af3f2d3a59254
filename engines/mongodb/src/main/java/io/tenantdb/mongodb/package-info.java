/**
 * The MongoDB engine of tenantdb, over the MongoDB Reactive Streams driver: the
 * {@link io.tenantdb.mongodb.MongoEngineProvider} found by {@link java.util.ServiceLoader}, the
 * {@link io.tenantdb.mongodb.MongoDocumentSession} with MongoDB-specific operations, and
 * {@link io.tenantdb.mongodb.MongoFilters}, safe filter builders for values that come from users.
 *
 * <p>Isolation strategies: {@code DATABASE_PER_TENANT} (the tenant's own database),
 * {@code SCHEMA_PER_TENANT} (collections named {@code <tenant name>-<collection>}, e.g. {@code tenant_acme-orders}, in the shared
 * database) and {@code ROW_LEVEL_SECURITY} (shared collections, a {@code tenantId} field injected into
 * every filter, write, pipeline, index and change stream, and stripped from results).
 *
 * <p>Engine-specific settings, in the {@code mongodb} section of {@code mongodb.yml}:
 * <ul>
 *   <li>{@code allow_server_side_js} (false): allow {@code $where}, {@code $function} and
 *       {@code $accumulator} in caller filters and pipelines;</li>
 *   <li>{@code tenant_field} ({@code tenantId}): the field used by {@code ROW_LEVEL_SECURITY};</li>
 *   <li>{@code insert_batch_size} (500): documents per {@code insertMany} round trip;</li>
 *   <li>{@code native_on_shared} (false): allow {@code withNative(MongoDatabase.class, ..)} for tenants
 *       whose data is shared with others (prefix or row level): that database is NOT filtered;</li>
 *   <li>{@code change_stream_pre_images} (false): with MongoDB 6+ and pre-images enabled on the
 *       collection, let row-level change streams deliver the tenant's delete events too.</li>
 * </ul>
 * and, for the connection: {@code auth_source} (default {@code admin}), {@code replica_set} (use
 * every host as one replica set; else one client per node) and {@code server_selection_timeout}
 * (default twice {@code connection.connect_timeout}); the same names in {@code connection.options}
 * are read when the section does not set them.
 */
package io.tenantdb.mongodb;
