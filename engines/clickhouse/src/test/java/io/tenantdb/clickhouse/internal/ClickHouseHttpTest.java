package io.tenantdb.clickhouse.internal;

import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.PoolConfig;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import java.net.ConnectException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ClickHouseHttpTest {

    private static final NodeAddress N1 = NodeAddress.of("ch1", 8123);
    private static final NodeAddress N2 = NodeAddress.of("ch2", 8123);
    private static final NodeAddress N3 = NodeAddress.of("ch3", 8123);

    private static ClickHouseHttp http() {
        return new ClickHouseHttp(new ConnectionConfig(List.of(N1, N2, N3), "default", "default", Secret.NONE,
                TlsConfig.DISABLED, Duration.ofSeconds(1), Map.of()), PoolConfig.DEFAULT, false);
    }

    @Test
    void theDefaultTargetGoesRoundRobinAChosenNodeGoesFirst() {
        ClickHouseHttp http = http();
        try {
            assertThat(http.order(N1)).containsExactly(N1, N2, N3);
            assertThat(http.order(N1)).containsExactly(N2, N3, N1);
            assertThat(http.order(N1)).containsExactly(N3, N1, N2);
            assertThat(http.order(N2)).containsExactly(N2, N1, N3);
            NodeAddress elsewhere = NodeAddress.of("replica", 8123);
            assertThat(http.order(elsewhere)).containsExactly(elsewhere, N1, N2, N3);
        } finally {
            http.close().block(Duration.ofSeconds(5));
        }
    }

    @Test
    void onlyConnectFailuresMoveToTheNextNode() {
        List<NodeAddress> tried = new ArrayList<>();
        StepVerifier.create(ClickHouseHttp.withFailover(List.of(N1, N2, N3), node -> {
                    tried.add(node);
                    return node == N3 ? Flux.just("ok") : Flux.error(new ConnectException("refused"));
                }))
                .expectNext("ok").verifyComplete();
        assertThat(tried).containsExactly(N1, N2, N3);

        tried.clear();
        StepVerifier.create(ClickHouseHttp.withFailover(List.of(N1, N2), node -> {
                    tried.add(node);
                    return Flux.error(new IllegalStateException("server said no"));
                }))
                .expectErrorMessage("server said no").verify();
        assertThat(tried).as("a connected node's error is final").containsExactly(N1);

        StepVerifier.create(ClickHouseHttp.withFailover(List.of(N1, N2), node -> Flux.error(new ConnectException("refused"))))
                .expectError(ConnectException.class).verify();
    }
}
