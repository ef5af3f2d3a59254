package io.tenantdb.postgresql.internal;

import io.r2dbc.postgresql.api.ErrorDetails;
import io.r2dbc.postgresql.api.PostgresqlException;
import io.r2dbc.spi.R2dbcException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
import io.r2dbc.spi.R2dbcTransientException;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.DataIntegrityException;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.core.exception.IsolationViolationException;
import io.tenantdb.core.exception.NotProvisionedException;
import io.tenantdb.core.exception.OperationTimeoutException;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.core.exception.TransientDataAccessException;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

/**
 * The one place that maps PostgreSQL and driver errors to the tenantdb hierarchy, by SQLSTATE
 * class. The driver's exception stays the cause; messages name tenant, engine and a fix, and never
 * include bound values or the error's DETAIL (which can quote row data).
 */
public final class PgExceptionFactory {

    private PgExceptionFactory() {
    }

    /**
     * @param error  what the driver, pool or network raised
     * @param tenant the tenant of the operation, or {@code null}
     * @param engine the engine
     * @param where  the tenant's database or schema, for messages (may be {@code null})
     * @return the tenantdb exception to signal (the input itself when it already is one)
     */
    public static RuntimeException translate(Throwable error, TenantId tenant, DatabaseType engine, String where) {
        if (error instanceof TenantDbException) {
            return (TenantDbException) error;
        }
        if (error instanceof R2dbcException) {
            R2dbcException r = (R2dbcException) error;
            String state = sqlState(r);
            if (state != null && state.length() == 5) {
                return bySqlState(r, state, tenant, engine, where);
            }
            if (r instanceof R2dbcTimeoutException) {
                return new OperationTimeoutException("PostgreSQL timed out: " + r.getMessage()
                        + "; raise pool.acquire_timeout or connection.connect_timeout, or reduce the load", tenant, engine, r);
            }
            if (r instanceof R2dbcTransientException) {
                return new TransientDataAccessException("PostgreSQL failed transiently: " + r.getMessage()
                        + "; retry the operation", tenant, engine, r);
            }
            if (r instanceof R2dbcNonTransientResourceException) {
                // no SQLSTATE: the resource itself failed, e.g. r2dbc-pool's "Connection validation failed"
                // on acquire when the server went away; another node (or the same one, later) may serve it
                return new EngineUnavailableException("PostgreSQL connection unusable (" + r.getMessage()
                        + "): check that the server runs and is reachable, then retry", tenant, engine, r);
            }
            return new DataAccessException("PostgreSQL refused the operation: " + r.getMessage(), tenant, engine, r);
        }
        if (error instanceof TimeoutException || error.getClass().getSimpleName().contains("Timeout")) {
            return new OperationTimeoutException("no PostgreSQL connection within the time limit (" + error.getMessage()
                    + "): raise pool.max_size or pool.acquire_timeout, or look for long-running operations", tenant, engine, error);
        }
        if (error instanceof ConnectException || error instanceof ClosedChannelException || error instanceof IOException
                || error.getClass().getName().startsWith("io.netty.")) {
            return new EngineUnavailableException("cannot reach PostgreSQL (" + error.getMessage()
                    + "): check that the server runs and connection.hosts is right", tenant, engine, error);
        }
        if (error instanceof IllegalArgumentException) {
            return new DataAccessException(error.getMessage(), tenant, engine, error);
        }
        if (error instanceof RuntimeException) {
            return (RuntimeException) error;
        }
        return new DataAccessException("PostgreSQL operation failed: " + error, tenant, engine, error);
    }

    /** @return the SQLSTATE of a driver exception, or {@code null} */
    static String sqlState(R2dbcException r) {
        if (r.getSqlState() != null) {
            return r.getSqlState();
        }
        if (r instanceof PostgresqlException) {
            ErrorDetails details = ((PostgresqlException) r).getErrorDetails();
            return details == null ? null : details.getCode();
        }
        return null;
    }

    private static RuntimeException bySqlState(R2dbcException r, String state, TenantId tenant, DatabaseType engine,
                                               String where) {
        String text = serverMessage(r) + " (SQLSTATE " + state + ")";
        String cls = state.substring(0, 2);
        switch (state) {
            case "3D000":
                return new NotProvisionedException("the tenant's database " + quoted(where) + "does not exist: " + text
                        + "; provision the tenant first (TenantDb.provision)", tenant, engine, r);
            case "3F000":
                return new NotProvisionedException("the tenant's schema " + quoted(where) + "does not exist: " + text
                        + "; provision the tenant first (TenantDb.provision)", tenant, engine, r);
            case "57014":
                return new OperationTimeoutException("the statement was cancelled: " + text
                        + "; raise statement_timeout or make the statement cheaper", tenant, engine, r);
            case "57P01":
            case "57P02":
            case "57P03":
                return new EngineUnavailableException("the PostgreSQL server is shutting down or starting: " + text
                        + "; retry when it is back, or fail over", tenant, engine, r);
            case "55P03":
                return new TransientDataAccessException("a lock was not available: " + text + "; retry", tenant, engine, r);
            case "42501":
                if (text.contains("row-level security")) {
                    return new IsolationViolationException("row-level security refused the row: " + text
                            + "; a tenant can only write rows whose tenant_id is its own id", tenant, engine, r);
                }
                return new DataAccessException("permission denied: " + text
                        + "; grant the privilege to the connecting role, or do this as an administrator", tenant, engine, r);
            case "42P01":
                return new DataAccessException("a table does not exist: " + text + "; create it in the tenant's "
                        + (where == null ? "schema" : "schema/database " + quoted(where)) + "(is the tenant migrated?)",
                        tenant, engine, r);
            default:
                break;
        }
        switch (cls) {
            case "08":
                return new EngineUnavailableException("lost or could not open the connection to PostgreSQL: " + text
                        + "; check that the server runs and is reachable, then retry", tenant, engine, r);
            case "40":
                return new TransientDataAccessException("the transaction was rolled back (serialization failure or "
                        + "deadlock): " + text + "; retry the whole transaction", tenant, engine, r);
            case "53":
                return new EngineUnavailableException("PostgreSQL is out of resources: " + text
                        + "; lower pool.max_size or raise the server's limits (max_connections, memory, disk)", tenant, engine, r);
            case "22":
            case "23":
                return new DataIntegrityException("the data was refused: " + text
                        + "; fix the value or the constraint it breaks", tenant, engine, r);
            case "28":
                return new DataAccessException("PostgreSQL refused the login: " + text
                        + "; check connection.user and connection.password", tenant, engine, r);
            case "42":
                return new DataAccessException("the statement is invalid or not allowed: " + text
                        + "; fix the SQL or the role's privileges", tenant, engine, r);
            case "25":
                return new DataAccessException("the transaction is in the wrong state: " + text
                        + "; an earlier statement failed, roll back and retry", tenant, engine, r);
            default:
                if (r instanceof R2dbcTransientException) {
                    return new TransientDataAccessException("PostgreSQL failed transiently: " + text + "; retry", tenant,
                            engine, r);
                }
                return new DataAccessException("PostgreSQL refused the operation: " + text, tenant, engine, r);
        }
    }

    private static String serverMessage(R2dbcException r) {
        if (r instanceof PostgresqlException && ((PostgresqlException) r).getErrorDetails() != null) {
            return ((PostgresqlException) r).getErrorDetails().getMessage();
        }
        return r.getMessage();
    }

    private static String quoted(String where) {
        return where == null ? "" : "'" + where + "' ";
    }
}
