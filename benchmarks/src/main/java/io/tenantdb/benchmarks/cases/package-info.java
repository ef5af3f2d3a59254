/** One class per benchmark case (or family of cases sharing a baseline), each naming its baseline. */
package io.tenantdb.benchmarks.cases;
