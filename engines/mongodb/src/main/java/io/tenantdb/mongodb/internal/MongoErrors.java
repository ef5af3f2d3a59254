package io.tenantdb.mongodb.internal;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.MongoClientException;
import com.mongodb.MongoCommandException;
import com.mongodb.MongoException;
import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.MongoGridFSException;
import com.mongodb.MongoNodeIsRecoveringException;
import com.mongodb.MongoNotPrimaryException;
import com.mongodb.MongoSecurityException;
import com.mongodb.MongoSocketException;
import com.mongodb.MongoSocketReadTimeoutException;
import com.mongodb.MongoTimeoutException;
import com.mongodb.MongoWriteConcernException;
import com.mongodb.MongoWriteException;
import com.mongodb.bulk.BulkWriteError;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.DataIntegrityException;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.core.exception.OperationTimeoutException;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.core.exception.TransientDataAccessException;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import org.bson.codecs.configuration.CodecConfigurationException;

import java.util.Set;

/**
 * The one place where MongoDB driver errors become tenantdb errors. The driver's exception stays the
 * cause; tenantdb's own errors pass through unchanged.
 */
final class MongoErrors {

    private static final DatabaseType ENGINE = DatabaseType.MONGODB;
    private static final int DUPLICATE_KEY = 11000;
    /** Server error codes worth retrying: network, elections, shutdown, write conflicts, locks. */
    private static final Set<Integer> TRANSIENT_CODES = Set.of(6, 7, 89, 91, 112, 189, 251, 262, 9001, 10107, 11600,
            11602, 13435, 13436, 46, 63, 150, 152, 234);
    private static final Set<Integer> TIMEOUT_CODES = Set.of(50, 202);
    private static final Set<Integer> UNSUPPORTED_CODES = Set.of(20, 40324, 115);
    private static final Set<Integer> AUTH_CODES = Set.of(13, 18);

    private MongoErrors() {
    }

    /**
     * @param error     what the driver (or anything else) signalled
     * @param tenant    the tenant
     * @param operation the operation name, for the message
     * @return the tenantdb error
     */
    static Throwable map(Throwable error, TenantId tenant, String operation) {
        if (error instanceof TenantDbException || error instanceof Error) {
            return error;
        }
        String what = "MongoDB " + operation + " failed: ";
        if (error instanceof MongoWriteException) {
            MongoWriteException e = (MongoWriteException) error;
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY || e.getCode() == DUPLICATE_KEY) {
                return duplicate(what, e.getError().getMessage(), tenant, e);
            }
            return byCode(what, e.getCode(), e.getError().getMessage(), e, tenant);
        }
        if (error instanceof MongoBulkWriteException) {
            MongoBulkWriteException e = (MongoBulkWriteException) error;
            for (BulkWriteError w : e.getWriteErrors()) {
                if (w.getCategory() == ErrorCategory.DUPLICATE_KEY) {
                    return duplicate(what + "operation #" + w.getIndex() + ": ", w.getMessage(), tenant, e);
                }
            }
            BulkWriteError first = e.getWriteErrors().isEmpty() ? null : e.getWriteErrors().get(0);
            return first == null ? byCode(what, e.getCode(), e.getMessage(), e, tenant)
                    : byCode(what + "operation #" + first.getIndex() + ": ", first.getCode(), first.getMessage(), e, tenant);
        }
        if (error instanceof MongoExecutionTimeoutException) {
            return new OperationTimeoutException(what + "the server's time limit was exceeded: narrow the query, add an index"
                    + " or raise the limit", tenant, ENGINE, error);
        }
        if (error instanceof MongoSocketReadTimeoutException) {
            return new OperationTimeoutException(what + "no answer from the server in time (" + error.getMessage() + ")",
                    tenant, ENGINE, error);
        }
        if (error instanceof MongoTimeoutException) {
            return new EngineUnavailableException(what + "no MongoDB server could be reached in time (" + firstLine(error)
                    + "): check that it runs and connection.hosts", tenant, ENGINE, error);
        }
        if (error instanceof MongoSocketException) {
            return new EngineUnavailableException(what + "connection problem (" + error.getMessage() + ")", tenant, ENGINE, error);
        }
        if (error instanceof MongoNotPrimaryException || error instanceof MongoNodeIsRecoveringException) {
            return new TransientDataAccessException(what + "the node is not primary or is recovering; retry",
                    tenant, ENGINE, error);
        }
        if (error instanceof MongoSecurityException) {
            return new DataAccessException(what + "authentication failed: check connection.user, connection.password and"
                    + " connection.options.auth_source", tenant, ENGINE, error);
        }
        if (error instanceof MongoGridFSException) {
            return new DataAccessException(what + error.getMessage(), tenant, ENGINE, error);
        }
        if (error instanceof MongoWriteConcernException) {
            return new TransientDataAccessException(what + "write concern not satisfied (" + error.getMessage() + ")",
                    tenant, ENGINE, error);
        }
        if (error instanceof MongoCommandException) {
            MongoCommandException e = (MongoCommandException) error;
            return byCode(what, e.getErrorCode(), e.getErrorMessage(), e, tenant);
        }
        if (error instanceof MongoClientException && String.valueOf(error.getMessage()).contains("not supported")) {
            return new UnsupportedFeatureException(what + error.getMessage(), tenant, ENGINE, error);
        }
        if (error instanceof MongoException) {
            MongoException e = (MongoException) error;
            return byCode(what, e.getCode(), e.getMessage(), e, tenant);
        }
        if (error instanceof CodecConfigurationException) {
            return new DataAccessException(what + "a value cannot be stored in BSON (" + error.getMessage()
                    + "): convert it to a string, number, date, list or map", tenant, ENGINE, error);
        }
        if (error instanceof IllegalArgumentException) {
            return new DataAccessException(what + error.getMessage(), tenant, ENGINE, error);
        }
        return new DataAccessException(what + error, tenant, ENGINE, error);
    }

    private static Throwable byCode(String what, int code, String message, MongoException e, TenantId tenant) {
        String text = what + message + " (code " + code + ")";
        if (code == DUPLICATE_KEY || code == 11001 || code == 12582) {
            return duplicate(what, message, tenant, e);
        }
        if (e.hasErrorLabel(MongoException.TRANSIENT_TRANSACTION_ERROR_LABEL)
                || e.hasErrorLabel("RetryableWriteError") || TRANSIENT_CODES.contains(code)) {
            return new TransientDataAccessException(text + "; retry", tenant, ENGINE, e);
        }
        if (TIMEOUT_CODES.contains(code)) {
            return new OperationTimeoutException(text, tenant, ENGINE, e);
        }
        if (UNSUPPORTED_CODES.contains(code)) {
            return new UnsupportedFeatureException(text + ": this MongoDB server does not offer it", tenant, ENGINE, e);
        }
        if (AUTH_CODES.contains(code)) {
            return new DataAccessException(text + ": check the user's roles and credentials", tenant, ENGINE, e);
        }
        return new DataAccessException(text, tenant, ENGINE, e);
    }

    private static DataIntegrityException duplicate(String what, String message, TenantId tenant, Throwable e) {
        return new DataIntegrityException(what + "duplicate key (" + message + "): a document with the same unique key exists",
                tenant, ENGINE, e);
    }

    private static String firstLine(Throwable e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
