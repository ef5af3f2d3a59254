/**
 * Implementation details of the observability module (tenant tag sketch, trend and anomaly maths,
 * HTTP handlers, YAML reading); not API.
 */
package io.tenantdb.observability.internal;
