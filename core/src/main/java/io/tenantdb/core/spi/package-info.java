/**
 * The engine SPI: providers found by ServiceLoader, engines, targets, health and the operation runner every engine uses.
 */
package io.tenantdb.core.spi;
