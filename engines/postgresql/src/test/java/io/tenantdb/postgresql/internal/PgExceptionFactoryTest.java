package io.tenantdb.postgresql.internal;

import io.r2dbc.spi.R2dbcNonTransientResourceException;
import io.r2dbc.spi.R2dbcTimeoutException;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThat;

class PgExceptionFactoryTest {

    private static final TenantId TENANT = TenantId.of("spotify_premium");

    private static RuntimeException map(String sqlState, String message) {
        return PgExceptionFactory.translate(new R2dbcNonTransientResourceException(message, sqlState), TENANT,
                DatabaseType.POSTGRESQL, "tenant_spotify_premium");
    }

    @ParameterizedTest
    @CsvSource({
            "08006, EngineUnavailableException, true",
            "08001, EngineUnavailableException, true",
            "40001, TransientDataAccessException, true",
            "40P01, TransientDataAccessException, true",
            "53300, EngineUnavailableException, true",
            "57P01, EngineUnavailableException, true",
            "55P03, TransientDataAccessException, true",
            "57014, OperationTimeoutException, true",
            "22001, DataIntegrityException, false",
            "23505, DataIntegrityException, false",
            "23503, DataIntegrityException, false",
            "42601, DataAccessException, false",
            "42P01, DataAccessException, false",
            "3F000, NotProvisionedException, false",
            "3D000, NotProvisionedException, false",
            "28P01, DataAccessException, false",
            "XX000, DataAccessException, false"
    })
    void sqlStateClassesMapToTheHierarchy(String state, String type, boolean transientError) {
        RuntimeException e = map(state, "boom");
        assertThat(e.getClass().getSimpleName()).isEqualTo(type);
        assertThat(((TenantDbException) e).isTransient()).isEqualTo(transientError);
        assertThat(e.getCause()).isInstanceOf(R2dbcNonTransientResourceException.class);
        assertThat(e.getMessage()).contains("tenant=spotify_premium").contains("engine=postgresql").contains(state);
    }

    @Test
    void rowLevelSecurityRefusalIsAnIsolationViolation() {
        RuntimeException e = map("42501", "new row violates row-level security policy for table \"tracks\"");
        assertThat(e).isInstanceOf(IsolationViolationException.class);
        assertThat(map("42501", "permission denied for table tracks")).isInstanceOf(DataAccessException.class);
    }

    @Test
    void missingSchemaNamesTheSchemaAndTheFix() {
        RuntimeException e = map("3F000", "schema \"tenant_spotify_premium\" does not exist");
        assertThat(e).isInstanceOf(NotProvisionedException.class);
        assertThat(e.getMessage()).contains("tenant_spotify_premium").contains("provision");
    }

    @Test
    void networkAndTimeoutErrorsAreTransient() {
        assertThat(PgExceptionFactory.translate(new ConnectException("refused"), TENANT, DatabaseType.POSTGRESQL, null))
                .isInstanceOf(EngineUnavailableException.class);
        assertThat(PgExceptionFactory.translate(new R2dbcTimeoutException("slow"), TENANT, DatabaseType.POSTGRESQL, null))
                .isInstanceOf(OperationTimeoutException.class);
        assertThat(PgExceptionFactory.translate(new java.util.concurrent.TimeoutException("pool"), TENANT,
                DatabaseType.POSTGRESQL, null)).isInstanceOf(OperationTimeoutException.class);
        RuntimeException validation = PgExceptionFactory.translate(
                new R2dbcNonTransientResourceException("Connection validation failed"), TENANT, DatabaseType.POSTGRESQL, null);
        assertThat(validation).as("r2dbc-pool's failed validation on acquire: the server went away")
                .isInstanceOf(EngineUnavailableException.class);
        assertThat(((TenantDbException) validation).isTransient()).isTrue();
    }

    @Test
    void tenantDbExceptionsPassThrough() {
        TransientDataAccessException original = new TransientDataAccessException("x", TENANT, DatabaseType.POSTGRESQL, null);
        assertThat(PgExceptionFactory.translate(original, TENANT, DatabaseType.POSTGRESQL, null)).isSameAs(original);
        assertThat(DataIntegrityException.class).isNotNull();
    }
}
