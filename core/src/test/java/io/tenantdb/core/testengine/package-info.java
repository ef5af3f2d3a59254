/** A no-I/O engine for the façade's unit tests. */
package io.tenantdb.core.testengine;
