/**
 * Tenancy: resilience operators (per-node circuit breakers, per-tenant bulkheads and rate limiters
 * with quotas by tier, read retries, timeouts) applied through the core operator hook, and routing of
 * tenants to nodes. Predictive pool warming is in {@code io.tenantdb.tenancy.warming}, the tenant
 * directory in {@code io.tenantdb.tenancy.directory}.
 */
package io.tenantdb.tenancy;
