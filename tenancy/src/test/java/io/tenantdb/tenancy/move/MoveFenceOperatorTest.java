package io.tenantdb.tenancy.move;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.OperationInfo;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.tenancy.directory.TenantDirectory;
import io.tenantdb.tenancy.directory.TenantRecord;
import io.tenantdb.tenancy.directory.TenantStatus;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/** Writes of a moving tenant are held until the status changes, reads never; the hold is bounded. */
class MoveFenceOperatorTest {

    private static final TenantId ACME = TenantId.of("acme");
    private static final TenantId OTHER = TenantId.of("other");

    /** A directory held in memory (changes visible at once). */
    private static final class Directory implements TenantDirectory {
        final Map<TenantId, TenantRecord> records = new ConcurrentHashMap<>();

        @Override
        public Mono<TenantRecord> find(TenantId tenant) {
            return Mono.justOrEmpty(records.get(tenant));
        }

        @Override
        public Flux<TenantRecord> all() {
            return Flux.fromIterable(records.values());
        }

        @Override
        public Mono<TenantRecord> save(TenantRecord record) {
            records.put(record.tenant(), record);
            return Mono.just(record);
        }
    }

    private final Directory directory = new Directory();
    private final AtomicInteger ran = new AtomicInteger();

    private Mono<String> op() {
        return Mono.fromSupplier(() -> {
            ran.incrementAndGet();
            return "done";
        });
    }

    private static OperationInfo info(TenantId tenant, OperationKind kind) {
        return new OperationInfo(DatabaseType.POSTGRESQL, tenant, kind, "op");
    }

    @Test
    void aMovingTenantsWriteWaitsForTheSwitchThenRunsOnce() {
        directory.save(TenantRecord.active(ACME).withStatus(TenantStatus.MOVING));
        MoveFenceOperator fence = new MoveFenceOperator(directory, Duration.ofSeconds(5), Duration.ofMillis(2));
        StepVerifier.create(fence.apply(info(ACME, OperationKind.WRITE), op()))
                .expectSubscription()
                .then(() -> assertThat(ran).as("held, not started").hasValue(0))
                .expectNoEvent(Duration.ofMillis(50))
                .then(() -> directory.save(TenantRecord.active(ACME).withShard(DatabaseType.POSTGRESQL, "b")))
                .expectNext("done")
                .verifyComplete();
        assertThat(ran).hasValue(1);
        assertThat(fence.heldWrites()).isEqualTo(1);
    }

    @Test
    void readsAndOtherTenantsAreNeverHeld() {
        directory.save(TenantRecord.active(ACME).withStatus(TenantStatus.MOVING));
        directory.save(TenantRecord.active(OTHER));
        MoveFenceOperator fence = new MoveFenceOperator(directory, Duration.ofSeconds(5), Duration.ofMillis(2));
        StepVerifier.create(fence.apply(info(ACME, OperationKind.READ), Flux.just(1, 2))).expectNext(1, 2).verifyComplete();
        StepVerifier.create(fence.apply(info(OTHER, OperationKind.WRITE), op())).expectNext("done").verifyComplete();
        StepVerifier.create(fence.apply(info(TenantId.of("unknown"), OperationKind.WRITE), op())).expectNext("done").verifyComplete();
        assertThat(fence.heldWrites()).isZero();
    }

    @Test
    void aWriteHeldPastTheTimeoutFailsTransientlyNamingTheTenantAndNeverRuns() {
        directory.save(TenantRecord.active(ACME).withStatus(TenantStatus.MOVING));
        MoveFenceOperator fence = new MoveFenceOperator(directory, Duration.ofMillis(100), Duration.ofMillis(5));
        StepVerifier.create(fence.apply(info(ACME, OperationKind.WRITE), Flux.defer(() -> op().flux())))
                .expectErrorSatisfies(e -> {
                    assertThat(e).isInstanceOf(TenantMovingException.class).hasMessageContaining("tenant=acme")
                            .hasMessageContaining("retry");
                    assertThat(((TenantDbException) e).isTransient()).isTrue();
                })
                .verify(Duration.ofSeconds(5));
        assertThat(ran).hasValue(0);
    }
}
