/**
 * Observability for tenantdb: the Micrometer metrics operator (timers, error and timeout counters,
 * streamed-item counts, a bounded per-tenant tag, Observation API support, a slow-operation log),
 * aggregated health, alert rules with trend prediction and anomaly detection, an embeddable HTTP
 * endpoint ({@code /metrics}, {@code /health}, {@code /alerts}) and a tenant-scoped multi-level
 * cache.
 *
 * <p>Everything here plugs into core's operator hook and SPI; engines do not depend on this module.
 */
package io.tenantdb.observability;
