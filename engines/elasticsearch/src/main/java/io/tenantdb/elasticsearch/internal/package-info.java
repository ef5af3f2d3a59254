/**
 * The Elasticsearch / OpenSearch engine's implementation: REST client, index naming, query guard and error
 * mapping. Not an API.
 */
package io.tenantdb.elasticsearch.internal;
