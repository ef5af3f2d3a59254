/**
 * Predictive pool warming: {@link io.tenantdb.tenancy.warming.TenantActivity} records each tenant's
 * operation rate as an exponentially weighted moving average (bounded to the busiest tenants), and
 * {@link io.tenantdb.tenancy.warming.PoolWarmer} periodically opens the pools of tenants whose rate
 * predicts use and whose pool is cold, within the connection budget, so their first operation after
 * an idle spell does not pay for connecting. Off by default ({@code pool.warming.enabled}).
 */
package io.tenantdb.tenancy.warming;
