package io.tenantdb.core;

/** Whether an operation only reads, or may write. Known before a connection is acquired. */
public enum OperationKind {
    /** Reads only: may go to a replica, may be retried when the error is transient. */
    READ,
    /** May write: goes to a primary, is never retried automatically. */
    WRITE
}
