package io.tenantdb.testkit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fallback path: run by the {@code embedded} failsafe execution with
 * {@code -Dtenantdb.testkit.redis=embedded}, so real redis-server binaries start on another port.
 */
@ExtendWith(TestServersExtension.class)
class RedisEmbeddedIT {

    @Test
    void embeddedBinariesServeSetAndGet(@Server(ServerKind.REDIS) ServerEndpoint redis) {
        assertThat(TestServers.mode("redis")).isEqualTo(TestServers.Mode.EMBEDDED);
        assertThat(redis.origin()).isEqualTo("embedded");
        assertThat(redis.port()).isNotEqualTo(6379);

        StepVerifier.create(RedisIT.roundTrip(redis))
                .expectNext("played")
                .verifyComplete();
    }
}
