/**
 * The one unchecked error hierarchy, split into transient and non-transient errors.
 */
package io.tenantdb.core.exception;
