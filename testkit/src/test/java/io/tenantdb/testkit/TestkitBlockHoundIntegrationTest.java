package io.tenantdb.testkit;

import org.junit.jupiter.api.Test;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.ServiceLoader;

import static org.assertj.core.api.Assertions.assertThat;

class TestkitBlockHoundIntegrationTest {

    @Test
    void blockHoundFindsTheIntegration() {
        assertThat(ServiceLoader.load(BlockHoundIntegration.class).stream().map(ServiceLoader.Provider::type))
                .contains(TestkitBlockHoundIntegration.class);
    }

    @Test
    void findingOrStartingATestServerMayBlockEvenOnAParallelThread() {
        ServerEndpoint probe = new ServerEndpoint("probe", "127.0.0.1", 1, null, "", null, "embedded");
        String kind = "blockhound-probe-" + System.nanoTime();

        StepVerifier.create(Mono.fromCallable(() -> TestServers.once(kind, () -> {
                    sleep();
                    return probe;
                })).subscribeOn(Schedulers.parallel()))
                .expectNext(probe)
                .verifyComplete();
    }

    @Test
    void blockingOutsideTheAllowedInternalsIsStillCaught() {
        StepVerifier.create(Mono.fromCallable(() -> {
                    Thread.sleep(1);
                    return "never";
                }).subscribeOn(Schedulers.parallel()))
                .expectError(BlockingOperationError.class)
                .verify(Duration.ofSeconds(10));
    }

    private static void sleep() {
        try {
            Thread.sleep(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
