/**
 * Layered YAML configuration: {@link io.tenantdb.core.config.ConfigLoader}, the declarative
 * {@link io.tenantdb.core.config.ConfigSchema} of known keys, the typed immutable sections
 * ({@link io.tenantdb.core.config.DatabaseConfig}, {@link io.tenantdb.core.config.ConnectionConfig},
 * {@link io.tenantdb.core.config.PoolConfig}, ...), {@link io.tenantdb.core.config.ConfigNode} for
 * engine-specific sections, and masked {@link io.tenantdb.core.config.Secret} references.
 *
 * <p>Files are read by an event-level YAML reader that constructs no objects from tags, expands no
 * aliases and bounds size and depth; every value keeps its file, line and column for error messages.
 */
package io.tenantdb.core.config;
