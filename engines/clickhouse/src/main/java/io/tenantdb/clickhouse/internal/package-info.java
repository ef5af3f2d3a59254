/**
 * Implementation of the ClickHouse engine; not API. {@code SqlLexer} tokenizes SQL,
 * {@code TenantSqlRenderer} renders binds and {@code {table:name}} placeholders for a
 * {@code TenantScope} and refuses what could reach another tenant, {@code ClickHouseLiterals} is
 * the one escape/quote function, {@code ClickHouseHttp} talks HTTP with Reactor Netty (streamed
 * lines, failover), {@code ClickHouseErrors} maps every error.
 */
package io.tenantdb.clickhouse.internal;
