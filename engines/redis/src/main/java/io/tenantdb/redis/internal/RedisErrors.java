package io.tenantdb.redis.internal;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandInterruptedException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.core.exception.IsolationViolationException;
import io.tenantdb.core.exception.NotProvisionedException;
import io.tenantdb.core.exception.OperationTimeoutException;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.core.exception.TransientDataAccessException;

import java.io.IOException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;

/**
 * The one place where Lettuce and Redis errors become tenantdb errors. The driver's exception stays
 * the cause; messages never contain a password.
 */
public final class RedisErrors {

    private static final DatabaseType REDIS = DatabaseType.REDIS;

    private RedisErrors() {
    }

    /**
     * @param error  what Lettuce or Redis raised
     * @param tenant the tenant, or {@code null}
     * @return the tenantdb error (unchanged when it already is one)
     */
    public static TenantDbException map(Throwable error, TenantId tenant) {
        Throwable e = unwrap(error);
        if (e instanceof TenantDbException) {
            return (TenantDbException) e;
        }
        // An authentication failure surfaces as a connection error whose cause is the server's reply.
        String reply = serverReply(e);
        if (reply != null) {
            return fromReply(reply, e, tenant);
        }
        if (e instanceof RedisCommandTimeoutException || e instanceof TimeoutException) {
            return new OperationTimeoutException("Redis did not answer within the command timeout (" + e.getMessage()
                    + "); retry, or raise redis.command_timeout if the command is legitimately slow", tenant, REDIS, e);
        }
        if (e instanceof RedisConnectionException || e instanceof ClosedChannelException || e instanceof IOException
                || e instanceof RedisCommandInterruptedException) {
            return new EngineUnavailableException("cannot reach Redis: " + e.getMessage()
                    + "; check that the server is up and connection.hosts is right", tenant, REDIS, e);
        }
        if (e instanceof IllegalArgumentException || e instanceof NullPointerException) {
            return new DataAccessException("invalid argument: " + e.getMessage(), tenant, REDIS, e);
        }
        if (e instanceof CancellationException) {
            return new TransientDataAccessException("the Redis command was cancelled (connection reset or closing): "
                    + e.getMessage() + "; retry", tenant, REDIS, e);
        }
        if (e instanceof RedisException) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("Connection closed") || m.contains("Connection is closed") || m.contains("reset")) {
                return new EngineUnavailableException("the Redis connection was lost: " + m + "; retry", tenant, REDIS, e);
            }
            return new DataAccessException("Redis failed: " + m, tenant, REDIS, e);
        }
        return new DataAccessException("Redis operation failed: " + e, tenant, REDIS, e);
    }

    private static TenantDbException fromReply(String reply, Throwable e, TenantId tenant) {
        String code = reply.split(" ", 2)[0];
        if (reply.contains("can't access") || reply.contains("no permissions")) {
            code = "NOPERM"; // a script touching keys outside the ACL user's patterns
        }
        switch (code) {
            case "NOPERM":
                return new IsolationViolationException("Redis refused the command by ACL (" + reply + "): a tenant may"
                        + " only use its own keys and channels and no administrative command", tenant, REDIS, e);
            case "WRONGPASS":
            case "NOAUTH":
                return new NotProvisionedException("Redis refused the credentials (" + code + "): provision the tenant"
                        + " (TenantDb.provision) so its ACL user exists, and keep redis.acl_secret stable across"
                        + " restarts", tenant, REDIS, e);
            case "WRONGTYPE":
                return new DataAccessException("the key holds a different type (" + reply + "): use the command for its"
                        + " type or another key", tenant, REDIS, e);
            case "OOM":
                return new TransientDataAccessException("Redis is out of memory (" + reply + "): free keys or raise"
                        + " maxmemory, then retry", tenant, REDIS, e);
            case "LOADING":
            case "BUSY":
            case "TRYAGAIN":
            case "CLUSTERDOWN":
            case "MASTERDOWN":
            case "READONLY":
            case "MOVED":
            case "ASK":
                return new TransientDataAccessException("Redis is temporarily unable to serve (" + reply + "): retry",
                        tenant, REDIS, e);
            case "NOSCRIPT":
                return new DataAccessException("the script is not loaded (" + reply + "): use eval", tenant, REDIS, e);
            case "CROSSSLOT":
                return new DataAccessException("the keys are in different cluster slots (" + reply + "): enable"
                        + " redis.hash_tag so a tenant's keys share a slot", tenant, REDIS, e);
            default:
                return new DataAccessException("Redis refused the command: " + reply, tenant, REDIS, e);
        }
    }

    private static String serverReply(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof RedisCommandExecutionException && t.getMessage() != null) {
                return t.getMessage();
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return null;
    }

    private static Throwable unwrap(Throwable error) {
        Throwable e = error;
        while ((e instanceof CompletionException || e instanceof ExecutionException) && e.getCause() != null) {
            e = e.getCause();
        }
        return e;
    }
}
