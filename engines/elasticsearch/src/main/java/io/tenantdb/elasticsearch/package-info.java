/**
 * The Elasticsearch / OpenSearch engine: {@link io.tenantdb.core.session.SearchSession} over the REST API with
 * Reactor Netty, tenant-isolated by an index per tenant or by a filtered alias per tenant on a shared index.
 * Found by {@link java.util.ServiceLoader} through {@link io.tenantdb.elasticsearch.ElasticsearchEngineProvider};
 * {@link io.tenantdb.elasticsearch.ElasticsearchSession} has the engine's extras.
 */
package io.tenantdb.elasticsearch;
