/**
 * The Redis engine's implementation (Lettuce): connections per topology, key namespaces, ACL
 * provisioning and error mapping. Not API.
 */
package io.tenantdb.redis.internal;
