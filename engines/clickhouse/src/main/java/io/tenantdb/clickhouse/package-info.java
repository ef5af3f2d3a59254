/**
 * tenantdb's ClickHouse engine: SQL over the ClickHouse HTTP interface with Reactor Netty, results
 * streamed as {@code JSONEachRow} lines with back-pressure, inserts streamed from a {@code Flux}.
 *
 * <h2>Isolation</h2>
 * <ul>
 *   <li><b>database_per_tenant</b>: the tenant's own database, named by the isolation prefix
 *       template without its trailing underscores (e.g. {@code tenant_acme}; unlike
 *       {@code IsolationConfig.nameFor} the tenant id's own trailing underscores are kept, so
 *       {@code acme} and {@code acme_} never share a database); statements run with it as the default database, so plain
 *       table names and {@code {table:name}} both work.</li>
 *   <li><b>schema_per_tenant</b>: a table prefix. Logical table {@code t} is
 *       {@code `<connection.database>`.`<prefixFor(tenant)>$t`}, e.g. {@code `default`.`tenant_acme_$tracks`}
 *       (the {@code $} cannot occur in a tenant id, so two tenants' names never collide). Tables
 *       must be written {@code {table:t}}; unqualified names resolve in an empty sandbox database
 *       ({@code tenantdb_sandbox}).</li>
 *   <li><b>row_level_security</b>: shared tables in {@code connection.database} with a
 *       {@code tenant_id String} column. ClickHouse 18.16 has no row policies, so the engine
 *       scopes every statement itself: a read of {@code {table:t}} becomes
 *       {@code (SELECT * FROM `db`.`t` WHERE tenant_id = 'acme') AS t}; {@code INSERT ... VALUES}
 *       and {@link io.tenantdb.clickhouse.ClickHouseSession#insert} stamp {@code tenant_id};
 *       {@code ALTER TABLE {table:t} DELETE/UPDATE ... WHERE c} becomes
 *       {@code WHERE tenant_id = 'acme' AND (c)}; DDL is refused. Unqualified names resolve in the
 *       empty sandbox database, so the only road to shared data is the placeholder.</li>
 * </ul>
 * Under every strategy the statement is tokenized (never matched by regular expression) and
 * refused before it reaches the server when it names {@code system}, the shared or sandbox
 * database or another tenant's database, calls a table function or engine that reads elsewhere
 * ({@code remote}, {@code merge}, {@code url}, {@code file}, {@code dictGet}, ...), or is
 * {@code KILL}/{@code ATTACH}/{@code DETACH}/{@code SYSTEM}. Databases outside tenantdb's
 * naming are not known to the engine: give the ClickHouse user only the databases it needs
 * ({@code allow_databases} in {@code users.xml}).
 *
 * <h2>Cluster</h2>
 * {@code connection.hosts} lists the nodes. Statements go round-robin over them (or to the node a
 * tenancy router chose) and move on to the next node when one refuses the connection; once
 * connected an error is final. For sharded data, create a {@code Distributed} table over per-shard
 * local tables as an administrator and have tenants query it: under database_per_tenant create it
 * in the tenant's database ({@code ENGINE = Distributed(cluster, tenant_acme, tracks_local,
 * cityHash64(id))}); under row_level_security shard by {@code tenant_id} so a tenant's rows stay
 * on one shard. Tenant SQL itself may not create {@code Distributed} tables (they can point at
 * any database).
 *
 * <h2>Errors</h2>
 * Server errors ({@code Code: N ...}) are mapped in one place: unknown table or database (60, 81)
 * to {@link io.tenantdb.core.exception.NotProvisionedException}, timeouts (159, 209) to
 * {@link io.tenantdb.core.exception.OperationTimeoutException}, refused connections to
 * {@link io.tenantdb.core.exception.EngineUnavailableException}, syntax and other refusals to
 * {@link io.tenantdb.core.exception.DataAccessException}.
 */
package io.tenantdb.clickhouse;
