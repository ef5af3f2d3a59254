/**
 * The tenantdb API: {@link io.tenantdb.core.TenantDb}, tenant identity and context, engine types, isolation strategies and the operator hook.
 */
package io.tenantdb.core;
