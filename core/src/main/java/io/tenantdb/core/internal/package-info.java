/**
 * Implementation details of the façade; not API.
 */
package io.tenantdb.core.internal;
