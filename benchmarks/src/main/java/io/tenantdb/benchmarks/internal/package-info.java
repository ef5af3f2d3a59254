/** The harness machinery: the load loop, the micro loop, interleaved comparisons and their statistics. */
package io.tenantdb.benchmarks.internal;
