package io.tenantdb.core.session;

/**
 * How a transaction runs.
 *
 * @param isolation the isolation level; {@code null} keeps the server's default
 * @param readOnly  whether the transaction only reads (it may then run on a replica)
 */
public record TransactionOptions(IsolationLevel isolation, boolean readOnly) {

    /** The server's default isolation, read-write. */
    public static final TransactionOptions DEFAULT = new TransactionOptions(null, false);

    /** The server's default isolation, read-only. */
    public static final TransactionOptions READ_ONLY = new TransactionOptions(null, true);

    /** SQL isolation levels. */
    public enum IsolationLevel {
        /** READ UNCOMMITTED. */
        READ_UNCOMMITTED("READ UNCOMMITTED"),
        /** READ COMMITTED. */
        READ_COMMITTED("READ COMMITTED"),
        /** REPEATABLE READ. */
        REPEATABLE_READ("REPEATABLE READ"),
        /** SERIALIZABLE. */
        SERIALIZABLE("SERIALIZABLE");

        private final String sql;

        IsolationLevel(String sql) {
            this.sql = sql;
        }

        /** @return the level as written in SQL */
        public String sql() {
            return sql;
        }
    }
}
