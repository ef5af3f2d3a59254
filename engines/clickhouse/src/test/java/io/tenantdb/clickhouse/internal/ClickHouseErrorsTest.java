package io.tenantdb.clickhouse.internal;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.EngineUnavailableException;
import io.tenantdb.core.exception.NotProvisionedException;
import io.tenantdb.core.exception.OperationTimeoutException;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.core.exception.TransientDataAccessException;
import org.junit.jupiter.api.Test;

import java.net.ConnectException;

import static org.assertj.core.api.Assertions.assertThat;

class ClickHouseErrorsTest {

    private static final TenantId T = TenantId.of("acme");
    private static final NodeAddress NODE = NodeAddress.of("10.0.0.1", 8123);

    private static Throwable map(String body, int status) {
        return ClickHouseErrors.map(ClickHouseServerException.parse(status, body), T, IsolationStrategy.SCHEMA_PER_TENANT, NODE);
    }

    @Test
    void serverCodesMapToTheHierarchyWithTenantEngineAndCause() {
        Throwable unknownTable = map("Code: 60, e.displayText() = DB::Exception: Table x.y doesn't exist., e.what() = DB::Exception", 404);
        assertThat(unknownTable).isInstanceOf(NotProvisionedException.class)
                .hasMessageContaining("[tenant=acme engine=clickhouse]").hasMessageContaining("10.0.0.1:8123")
                .hasMessageContaining("Code: 60").hasMessageContaining("{table:name}")
                .hasMessageNotContaining("e.what()")
                .hasCauseInstanceOf(ClickHouseServerException.class);
        assertThat(map("Code: 81, e.displayText() = DB::Exception: Database d doesn't exist", 404)).isInstanceOf(NotProvisionedException.class);
        assertThat(map("Code: 62, e.displayText() = DB::Exception: Syntax error", 400)).isInstanceOf(DataAccessException.class);
        Throwable timeout = map("Code: 159, e.displayText() = DB::Exception: Timeout exceeded", 500);
        assertThat(timeout).isInstanceOf(OperationTimeoutException.class).hasMessageContaining("max_execution_time");
        assertThat(((TenantDbException) timeout).isTransient()).isTrue();
        assertThat(map("Code: 241, e.displayText() = DB::Exception: Memory limit", 500)).isInstanceOf(TransientDataAccessException.class);
        assertThat(map("Code: 193, e.displayText() = DB::Exception: Wrong password", 500)).isInstanceOf(DataAccessException.class)
                .hasMessageContaining("connection.password");
        assertThat(map("bad gateway", 502)).isInstanceOf(TransientDataAccessException.class);
    }

    @Test
    void refusedConnectionsAreEngineUnavailable() {
        Throwable e = ClickHouseErrors.map(new ConnectException("Connection refused"), T, null, NODE);
        assertThat(e).isInstanceOf(EngineUnavailableException.class).hasMessageContaining("acme").hasMessageContaining("connection.hosts");
        assertThat(((TenantDbException) e).isTransient()).isTrue();
    }

    @Test
    void longServerMessagesAreCut() {
        Throwable e = map("Code: 62, e.displayText() = " + "x".repeat(5000), 400);
        assertThat(e.getMessage().length()).isLessThan(1000);
    }

    @Test
    void tenantdbErrorsAndUnknownErrorsPassThrough() {
        IllegalStateException own = new IllegalStateException("mapper bug");
        assertThat(ClickHouseErrors.map(own, T, null, NODE)).isSameAs(own);
    }
}
