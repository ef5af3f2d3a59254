/**
 * Implementation of the MongoDB engine: clients per node, tenant scoping and rewriting of filters,
 * writes, pipelines and indexes, input validation, error mapping and document mapping. Not API.
 */
package io.tenantdb.mongodb.internal;
