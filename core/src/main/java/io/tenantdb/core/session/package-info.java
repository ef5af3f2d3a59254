/**
 * Session families by data model: SQL, documents, key-value and search. Tenant-scoped, non-blocking, streaming.
 */
package io.tenantdb.core.session;
