package io.tenantdb.benchmarks.internal;

import java.util.function.Supplier;

import org.reactivestreams.Publisher;

/**
 * One side of a comparison.
 *
 * @param name       what it is, for the table (e.g. {@code r2dbc-pool})
 * @param op         makes one operation
 * @param unitsPerOp units of work per operation (1, or documents per bulk)
 */
public record Side(String name, Supplier<? extends Publisher<?>> op, long unitsPerOp) {

    /**
     * @param name what it is
     * @param op   makes one operation of one unit
     * @return the side
     */
    public static Side of(String name, Supplier<? extends Publisher<?>> op) {
        return new Side(name, op, 1);
    }
}
