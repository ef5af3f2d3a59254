/**
 * The benchmark harness: {@link io.tenantdb.benchmarks.BenchMain} runs every case and prints a table and
 * one machine-readable line per case. Every figure is a ratio of tenantdb to a baseline measured in the
 * same run, interleaved; absolute figures are context only. Benchmarks are not tests: nothing here
 * asserts a time.
 */
package io.tenantdb.benchmarks;
