/**
 * A launcher that runs one OpenSearch node for tests in its own JVM (OpenSearch needs Netty 4.1, the rest of
 * tenantdb uses Netty 4.2). Started by {@code io.tenantdb.testkit.OpenSearchServer}; not a library.
 */
package io.tenantdb.testkit.opensearch;
