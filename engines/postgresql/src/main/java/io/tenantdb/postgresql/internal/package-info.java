/**
 * Implementation of the PostgreSQL engine: pools, tenant binding, SQL rendering, row adapters,
 * error mapping, provisioning and time-series SQL. Not API.
 */
package io.tenantdb.postgresql.internal;
