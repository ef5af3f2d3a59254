package io.tenantdb.testkit;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.UUID;

/** A real SET/GET through Lettuce on the testkit's Redis, local or embedded. */
@ExtendWith(TestServersExtension.class)
class RedisIT {

    @Test
    void setThenGet(@Server(ServerKind.REDIS) ServerEndpoint redis) {
        StepVerifier.create(roundTrip(redis))
                .expectNext("played")
                .verifyComplete();
    }

    static Mono<String> roundTrip(ServerEndpoint redis) {
        String key = "tenantdb:testkit:" + UUID.randomUUID();
        RedisURI uri = RedisURI.builder()
                .withHost(redis.host())
                .withPort(redis.port())
                .withTimeout(Duration.ofSeconds(10))
                .build();
        return Mono.usingWhen(Mono.fromSupplier(RedisClient::create),
                client -> Mono.usingWhen(Mono.fromCompletionStage(client.connectAsync(StringCodec.UTF8, uri)),
                        (StatefulRedisConnection<String, String> c) -> c.reactive()
                                .set(key, "played", SetArgs.Builder.ex(60))
                                .then(c.reactive().get(key))
                                .flatMap(value -> c.reactive().del(key).thenReturn(value)),
                        c -> Mono.fromCompletionStage(c.closeAsync())),
                client -> Mono.fromCompletionStage(client.shutdownAsync()));
    }
}
