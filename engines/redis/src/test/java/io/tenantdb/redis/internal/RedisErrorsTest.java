package io.tenantdb.redis.internal;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.core.exception.IsolationViolationException;
import io.tenantdb.core.exception.NotProvisionedException;
import io.tenantdb.core.exception.OperationTimeoutException;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.core.exception.TransientDataAccessException;
import org.junit.jupiter.api.Test;

import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

class RedisErrorsTest {

    private static final TenantId T = TenantId.of("acme");

    private static TenantDbException map(Throwable e) {
        return RedisErrors.map(e, T);
    }

    @Test
    void connectionLossAndTimeoutsAreTransient() {
        assertThat(map(new RedisConnectionException("refused"))).isInstanceOf(EngineUnavailableException.class)
                .matches(TenantDbException::isTransient);
        assertThat(map(new RedisCommandTimeoutException("5 s"))).isInstanceOf(OperationTimeoutException.class)
                .matches(TenantDbException::isTransient);
        assertThat(map(new RedisCommandExecutionException("CLUSTERDOWN The cluster is down")))
                .isInstanceOf(TransientDataAccessException.class);
        assertThat(map(new RedisCommandExecutionException("READONLY You can't write against a read only replica.")))
                .isInstanceOf(TransientDataAccessException.class);
    }

    @Test
    void refusalsAreNotTransient() {
        TenantDbException wrongType = map(new RedisCommandExecutionException(
                "WRONGTYPE Operation against a key holding the wrong kind of value"));
        assertThat(wrongType).isInstanceOf(DataAccessException.class).matches(e -> !e.isTransient());
        assertThat(wrongType.getMessage()).contains("tenant=acme", "engine=redis");
        assertThat(map(new RedisCommandExecutionException("NOPERM this user has no permissions")))
                .isInstanceOf(IsolationViolationException.class).matches(e -> !e.isTransient());
    }

    @Test
    void failedAuthenticationOnConnectMeansNotProvisioned() {
        RedisConnectionException e = new RedisConnectionException("Unable to connect",
                new RedisCommandExecutionException("WRONGPASS invalid username-password pair or user is disabled."));
        TenantDbException mapped = map(new CompletionException(e));
        assertThat(mapped).isInstanceOf(NotProvisionedException.class).hasMessageContaining("provision");
        assertThat(mapped.getCause()).isSameAs(e);
    }

    @Test
    void tenantDbErrorsPassThrough() {
        IsolationViolationException e = new IsolationViolationException("x", T, null, null);
        assertThat(map(e)).isSameAs(e);
    }
}
