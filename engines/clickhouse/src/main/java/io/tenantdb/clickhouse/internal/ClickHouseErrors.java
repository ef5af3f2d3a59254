package io.tenantdb.clickhouse.internal;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.DataIntegrityException;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.core.exception.NotProvisionedException;
import io.tenantdb.core.exception.OperationTimeoutException;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.core.exception.TransientDataAccessException;
import reactor.netty.http.client.PrematureCloseException;

import java.util.Locale;
import java.util.concurrent.TimeoutException;

/**
 * The one place where ClickHouse and transport errors become tenantdb errors. The original error
 * stays the cause; messages name the tenant and engine (through the hierarchy) and the fix.
 */
final class ClickHouseErrors {

    private static final DatabaseType ENGINE = DatabaseType.CLICKHOUSE;

    private ClickHouseErrors() {
    }

    /**
     * @param error    what went wrong
     * @param tenant   the tenant, or {@code null} (administrative calls)
     * @param strategy its strategy, or {@code null}
     * @param node     the node, or {@code null}
     * @return the tenantdb error ({@code error} itself when it already is one)
     */
    static Throwable map(Throwable error, TenantId tenant, IsolationStrategy strategy, NodeAddress node) {
        if (error instanceof TenantDbException) {
            return error;
        }
        String where = node == null ? "ClickHouse" : "ClickHouse node " + node;
        if (error instanceof ClickHouseServerException) {
            ClickHouseServerException e = (ClickHouseServerException) error;
            String text = where + " refused the statement: " + e.getMessage();
            switch (e.code()) {
                case 60: // UNKNOWN_TABLE
                case 81: // UNKNOWN_DATABASE
                    String hint = strategy == null || strategy == IsolationStrategy.DATABASE_PER_TENANT ? ""
                            : "; under " + strategy.name().toLowerCase(Locale.ROOT) + " write tables as {table:name}";
                    return new NotProvisionedException(text + ". Provision the tenant (TenantDb.provision) and create the "
                            + "table (ClickHouseSession.createTable)" + hint, tenant, ENGINE, e);
                case 159: // TIMEOUT_EXCEEDED
                case 209: // SOCKET_TIMEOUT
                    return new OperationTimeoutException(text + ". Raise max_execution_time (QuerySettings) or narrow the query",
                            tenant, ENGINE, e);
                case 3: // UNEXPECTED_END_OF_FILE
                case 210: // NETWORK_ERROR
                case 202: // TOO_MANY_SIMULTANEOUS_QUERIES
                case 241: // MEMORY_LIMIT_EXCEEDED
                case 252: // TOO_MANY_PARTS
                case 242: // TABLE_IS_READ_ONLY
                case 319: // UNKNOWN_STATUS_OF_INSERT
                case 394: // QUERY_WAS_CANCELLED
                case 425: // SYSTEM_ERROR
                case 999: // KEEPER_EXCEPTION
                    return new TransientDataAccessException(text + ". It may pass: retry later", tenant, ENGINE, e);
                case 57: // TABLE_ALREADY_EXISTS
                case 82: // DATABASE_ALREADY_EXISTS
                case 117: // INCORRECT_DATA
                case 27: // CANNOT_PARSE_INPUT_ASSERTION_FAILED
                case 26: // CANNOT_PARSE_QUOTED_STRING
                case 70: // CANNOT_CONVERT_TYPE
                    return new DataIntegrityException(text, tenant, ENGINE, e);
                case 192: // UNKNOWN_USER
                case 193: // WRONG_PASSWORD
                case 194: // REQUIRED_PASSWORD
                case 516: // AUTHENTICATION_FAILED (newer servers)
                    return new DataAccessException(where + " refused the credentials (" + e.getMessage()
                            + "): check connection.user and connection.password", tenant, ENGINE, e);
                default:
                    if (e.code() == 0 && e.httpStatus() >= 500) {
                        return new TransientDataAccessException(text, tenant, ENGINE, e);
                    }
                    return new DataAccessException(text, tenant, ENGINE, e);
            }
        }
        if (ClickHouseHttp.isConnectFailure(error)) {
            return new EngineUnavailableException("no ClickHouse node could be reached (last tried " + where + ": "
                    + error.getClass().getSimpleName() + "): start the server or fix connection.hosts", tenant, ENGINE, error);
        }
        if (error instanceof PrematureCloseException) {
            return new TransientDataAccessException(where + " closed the connection before the response ended", tenant, ENGINE, error);
        }
        if (error instanceof TimeoutException || error.getClass().getName().endsWith("PoolAcquireTimeoutException")
                || error instanceof io.netty.handler.timeout.ReadTimeoutException) {
            return new OperationTimeoutException(where + " did not answer in time (" + error.getClass().getSimpleName()
                    + "): raise pool.acquire_timeout or pool.max_size, or check the server", tenant, ENGINE, error);
        }
        if (error instanceof java.io.IOException) {
            return new TransientDataAccessException(where + " connection failed: " + error.getClass().getSimpleName(),
                    tenant, ENGINE, error);
        }
        return error;
    }
}
