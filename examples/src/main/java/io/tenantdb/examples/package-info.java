/** The runnable quickstart: two tenants on every engine. */
package io.tenantdb.examples;
