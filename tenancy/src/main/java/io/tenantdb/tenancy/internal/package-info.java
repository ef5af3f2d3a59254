/**
 * Implementation details of the tenancy module; not API.
 */
package io.tenantdb.tenancy.internal;
