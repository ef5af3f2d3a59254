package io.tenantdb.tenancy;

import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConfigLoader;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.exception.InvalidTenantException;
import io.tenantdb.tenancy.directory.Rendezvous;
import io.tenantdb.tenancy.directory.StaticTenantDirectory;
import io.tenantdb.tenancy.directory.TenantRecord;
import io.tenantdb.tenancy.directory.TenantStatus;
import io.tenantdb.tenancy.directory.TenantStatusOperator;
import io.tenantdb.tenancy.directory.TenantSuspendedException;
import io.tenantdb.core.spi.OperationRunner;
import io.tenantdb.core.TenantContext;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class DirectoryTest {

    @Test
    void rendezvousSpreadsTenantsAndMovesOnlyAFractionWhenAShardIsAdded() {
        List<String> three = List.of("s1", "s2", "s3");
        List<String> four = List.of("s1", "s2", "s3", "s4");
        Map<String, Integer> counts = new HashMap<>();
        int moved = 0;
        for (int i = 0; i < 3000; i++) {
            TenantId t = TenantId.of("t" + i);
            String before = Rendezvous.place(t, three);
            counts.merge(before, 1, Integer::sum);
            String after = Rendezvous.place(t, four);
            if (!after.equals(before)) {
                assertThat(after).as("a tenant only moves to the new shard").isEqualTo("s4");
                moved++;
            }
            assertThat(Rendezvous.place(t, List.of("s3", "s1", "s2"))).as("order-independent").isEqualTo(before);
        }
        assertThat(counts.values()).allMatch(c -> c > 850 && c < 1150);
        assertThat(moved).isBetween(600, 900); // ~1/4
    }

    @Test
    void staticDirectoryListsTheConfigurationDirectoryTenants() {
        ConfigLoader loader = ConfigLoader.of(Path.of("..", "config"));
        StaticTenantDirectory dir = StaticTenantDirectory.from(loader);
        List<TenantId> expected = loader.tenants();
        assertThat(expected).isNotEmpty();
        assertThat(dir.all().map(TenantRecord::tenant).collectList().block()).containsExactlyElementsOf(expected);
        assertThat(dir.find(expected.get(0)).block().status()).isEqualTo(TenantStatus.ACTIVE);
        StepVerifier.create(dir.save(TenantRecord.active(TenantId.of("x")))).expectError(UnsupportedOperationException.class).verify();
    }

    @Test
    void suspendedAndErasedTenantsAreRefusedWithAClearError() {
        StaticTenantDirectory dir = StaticTenantDirectory.of(List.of(
                TenantRecord.active(TenantId.of("ok")),
                TenantRecord.active(TenantId.of("paused")).withStatus(TenantStatus.SUSPENDED),
                TenantRecord.active(TenantId.of("gone")).withStatus(TenantStatus.ERASED)));
        OperationRunner lenient = OperationRunner.of(List.of(new TenantStatusOperator(dir, false)));
        OperationRunner strict = OperationRunner.of(List.of(new TenantStatusOperator(dir, true)));
        StepVerifier.create(run(lenient, "ok")).expectNext("done").verifyComplete();
        StepVerifier.create(run(lenient, "paused")).expectErrorSatisfies(e -> {
            assertThat(e).isInstanceOf(TenantSuspendedException.class);
            assertThat(e.getMessage()).contains("tenant=paused", "suspended", "reactivate");
        }).verify();
        StepVerifier.create(run(lenient, "gone")).expectError(TenantSuspendedException.class).verify();
        StepVerifier.create(run(lenient, "stranger")).expectNext("done").verifyComplete();
        StepVerifier.create(run(strict, "stranger")).expectError(InvalidTenantException.class).verify();
    }

    private static Mono<String> run(OperationRunner runner, String tenant) {
        return runner.mono(FakeNodes.ENGINE, OperationKind.READ, "op", t -> Mono.just("done"))
                .contextWrite(TenantContext.of(tenant));
    }
}
