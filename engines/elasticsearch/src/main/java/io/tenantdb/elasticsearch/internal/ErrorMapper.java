package io.tenantdb.elasticsearch.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.channel.ConnectTimeoutException;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.DataIntegrityException;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.core.exception.NotProvisionedException;
import io.tenantdb.core.exception.OperationTimeoutException;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.core.exception.TransientDataAccessException;
import io.tenantdb.elasticsearch.ElasticsearchRejectedException;
import reactor.netty.http.client.PrematureCloseException;

import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;

/**
 * The one place where Elasticsearch / OpenSearch errors become tenantdb errors: HTTP status and
 * {@code error.type} of a response, or the I/O failure of a request.
 */
final class ErrorMapper {

    private static final DatabaseType ES = DatabaseType.ELASTICSEARCH;

    private ErrorMapper() {
    }

    /**
     * @param status     the HTTP status (&gt;= 400)
     * @param body       the parsed error body, or {@code null}
     * @param retryAfter the {@code Retry-After} header, or {@code null}
     * @param tenant     the tenant, or {@code null}
     * @param what       what was being done, e.g. {@code search tracks}
     * @return the error to signal
     */
    static TenantDbException fromResponse(int status, JsonNode body, String retryAfter, TenantId tenant, String what) {
        String type = errorType(body);
        String reason = reason(body);
        ElasticsearchHttpException cause = new ElasticsearchHttpException(status, type, reason);
        String detail = what + " failed: HTTP " + status + (type.isEmpty() ? "" : " " + type)
                + (reason.isEmpty() ? "" : " (" + reason + ")");
        if (status == 429 || type.equals("es_rejected_execution_exception")
                || type.equals("circuit_breaking_exception")) {
            Duration wait = parseRetryAfter(retryAfter);
            return new ElasticsearchRejectedException(detail + "; the cluster is overloaded: retry later"
                    + (wait == null ? "" : " (after " + wait.toSeconds() + " s)"), tenant, wait, cause);
        }
        if (type.equals("index_not_found_exception") || (status == 404 && type.equals("alias_not_found_exception"))) {
            return new NotProvisionedException(detail + "; the tenant's index does not exist: provision the tenant "
                    + "(TenantDb.provision) or create the index (ElasticsearchSession.createIndex)", tenant, ES, cause);
        }
        if (status == 409 || type.equals("version_conflict_engine_exception")) {
            return new DataIntegrityException(detail + "; the document changed concurrently or already exists: "
                    + "read it again and retry the change", tenant, ES, cause);
        }
        if (status == 401 || status == 403) {
            return new DataAccessException(detail + "; check the configured user/password or "
                    + "elasticsearch.api_key and its privileges on the tenant's indices", tenant, ES, cause);
        }
        if (status == 503) {
            return new EngineUnavailableException(detail + "; the cluster cannot serve now (no master, shards "
                    + "unavailable): check its health", tenant, ES, cause);
        }
        if (status == 504 || type.equals("timeout_exception") || type.equals("process_cluster_event_timeout_exception")) {
            return new OperationTimeoutException(detail + "; the cluster did not answer in time", tenant, ES, cause);
        }
        if (status >= 500) {
            return new TransientDataAccessException(detail + "; a server-side failure: retry, and check the "
                    + "cluster's logs if it persists", tenant, ES, cause);
        }
        return new DataAccessException(detail + "; fix the request (query, mapping or document)", tenant, ES, cause);
    }

    /**
     * @param error  an I/O or client failure
     * @param tenant the tenant, or {@code null}
     * @param node   the node, e.g. {@code 127.0.0.1:9200}
     * @param what   what was being done
     * @return the error to signal (tenantdb errors pass through unchanged)
     */
    static Throwable fromFailure(Throwable error, TenantId tenant, String node, String what) {
        if (error instanceof TenantDbException) {
            return error;
        }
        if (error instanceof ConnectException || error instanceof UnknownHostException
                || error instanceof ConnectTimeoutException || error.getCause() instanceof ConnectException) {
            return new EngineUnavailableException(what + " failed: cannot connect to " + node + " ("
                    + error.getClass().getSimpleName() + "): check that Elasticsearch/OpenSearch runs there",
                    tenant, ES, error);
        }
        if (error instanceof TimeoutException) {
            return new OperationTimeoutException(what + " timed out on " + node, tenant, ES, error);
        }
        if (error instanceof PrematureCloseException || error instanceof ClosedChannelException
                || error instanceof IOException) {
            return new TransientDataAccessException(what + " failed: connection to " + node + " lost ("
                    + error.getClass().getSimpleName() + "): retry", tenant, ES, error);
        }
        return new DataAccessException(what + " failed: " + error, tenant, ES, error);
    }

    static String errorType(JsonNode body) {
        if (body == null) {
            return "";
        }
        JsonNode error = body.path("error");
        if (error.isTextual()) {
            return "";
        }
        return error.path("type").asText("");
    }

    static String reason(JsonNode body) {
        if (body == null) {
            return "";
        }
        JsonNode error = body.path("error");
        String reason = error.isTextual() ? error.asText() : error.path("reason").asText("");
        if (reason.isEmpty()) {
            JsonNode root = error.path("root_cause").path(0);
            reason = root.path("reason").asText("");
        }
        return reason.length() > 500 ? reason.substring(0, 500) + "..." : reason;
    }

    static Duration parseRetryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(header.trim());
            return seconds >= 0 ? Duration.ofSeconds(seconds) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The server's answer, kept as the cause of the tenantdb error. */
    static final class ElasticsearchHttpException extends RuntimeException {

        private static final long serialVersionUID = 1L;

        private final int status;
        private final String type;

        ElasticsearchHttpException(int status, String type, String reason) {
            super("HTTP " + status + " " + type + ": " + reason, null, false, false);
            this.status = status;
            this.type = type;
        }

        int status() {
            return status;
        }

        String type() {
            return type;
        }
    }
}
