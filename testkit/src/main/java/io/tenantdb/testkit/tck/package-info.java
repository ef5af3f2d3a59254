/**
 * The engine TCK: contract tests written once as {@code @Test default} methods, implemented by each
 * engine's IT per isolation strategy. It includes the cross-tenant isolation contract.
 */
package io.tenantdb.testkit.tck;
