/**
 * The tenant directory: which tenants exist, their status, tier, isolation strategy and shard per
 * engine. {@link io.tenantdb.tenancy.directory.TenantDirectory} is the SPI; a static implementation
 * reads the configuration directory, a PostgreSQL one serves thousands of tenants and propagates
 * changes to every instance. Placement of new tenants is by rendezvous hashing.
 */
package io.tenantdb.tenancy.directory;
