/**
 * Moving a tenant's PostgreSQL data between shards and between isolation strategies while it is
 * served: {@link io.tenantdb.tenancy.move.TenantMover} (provision, capture, copy, catch up, fence,
 * switch, verify, clean up — each step persisted and resumable),
 * {@link io.tenantdb.tenancy.move.MoveFenceOperator} (holds a moving tenant's writes during the
 * brief fence) and the value types of a move.
 */
package io.tenantdb.tenancy.move;
