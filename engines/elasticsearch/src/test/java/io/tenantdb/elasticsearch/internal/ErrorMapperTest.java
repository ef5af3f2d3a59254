package io.tenantdb.elasticsearch.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.DataIntegrityException;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.core.exception.NotProvisionedException;
import io.tenantdb.core.exception.OperationTimeoutException;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.core.exception.TransientDataAccessException;
import io.tenantdb.elasticsearch.ElasticsearchRejectedException;
import org.junit.jupiter.api.Test;
import java.nio.channels.ClosedChannelException;

import java.net.ConnectException;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class ErrorMapperTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TenantId TENANT = TenantId.of("acme");

    private static JsonNode error(String type) throws Exception {
        return JSON.readTree("{\"error\":{\"type\":\"" + type + "\",\"reason\":\"because\"},\"status\":0}");
    }

    @Test
    void tooManyRequestsIsTransientWithRetryAfter() throws Exception {
        TenantDbException e = ErrorMapper.fromResponse(429, error("es_rejected_execution_exception"), "7", TENANT, "bulk");
        assertThat(e).isInstanceOf(ElasticsearchRejectedException.class);
        assertThat(e.isTransient()).isTrue();
        assertThat(((ElasticsearchRejectedException) e).retryAfter()).contains(Duration.ofSeconds(7));
        assertThat(e.getMessage()).contains("tenant=acme", "engine=elasticsearch", "retry");
    }

    @Test
    void statusesAndTypesMapToTheirErrors() throws Exception {
        assertThat(ErrorMapper.fromResponse(404, error("index_not_found_exception"), null, TENANT, "search"))
                .isInstanceOf(NotProvisionedException.class).hasMessageContaining("provision");
        assertThat(ErrorMapper.fromResponse(400, error("parsing_exception"), null, TENANT, "search"))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("because");
        assertThat(ErrorMapper.fromResponse(409, error("version_conflict_engine_exception"), null, TENANT, "index"))
                .isInstanceOf(DataIntegrityException.class);
        assertThat(ErrorMapper.fromResponse(503, error("cluster_block_exception"), null, TENANT, "index"))
                .isInstanceOf(EngineUnavailableException.class);
        assertThat(ErrorMapper.fromResponse(504, null, null, TENANT, "index"))
                .isInstanceOf(OperationTimeoutException.class);
        assertThat(ErrorMapper.fromResponse(500, null, null, TENANT, "index"))
                .isInstanceOf(TransientDataAccessException.class);
        assertThat(ErrorMapper.fromResponse(401, error("security_exception"), null, TENANT, "index"))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("api_key");
    }

    @Test
    void ioFailuresMapToUnavailableOrTransient() {
        Throwable refused = ErrorMapper.fromFailure(new ConnectException("Connection refused"), TENANT, "h:1", "get");
        assertThat(refused).isInstanceOf(EngineUnavailableException.class).hasMessageContaining("h:1")
                .hasCauseInstanceOf(ConnectException.class);
        assertThat(ErrorMapper.fromFailure(new ClosedChannelException(), TENANT, "h:1", "get"))
                .isInstanceOf(TransientDataAccessException.class);
        NotProvisionedException own = new NotProvisionedException("x", TENANT, null, null);
        assertThat(ErrorMapper.fromFailure(own, TENANT, "h:1", "get")).isSameAs(own);
    }
}
