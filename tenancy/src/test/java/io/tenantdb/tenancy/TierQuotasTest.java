package io.tenantdb.tenancy;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.ConfigException;
import io.tenantdb.core.config.ConfigLoader;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.exception.QuotaExceededException;
import io.tenantdb.tenancy.directory.TenantDirectory;
import io.tenantdb.tenancy.directory.TenantRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Quotas by tier: from {@code resilience.tiers}, the tier from the tenant directory, changes applied without restart. */
class TierQuotasTest {

    static final NodeAddress NODE = NodeAddress.of("good.local", 5432);

    static final ResilienceConfig TIERED = ResilienceConfig.builder().maxConcurrent(50).limitPerSecond(10_000)
            .tier("free", new ResilienceConfig.TierQuota(2, 0))
            .tier("premium", new ResilienceConfig.TierQuota(20, 0))
            .build();

    /** An in-memory directory whose records the test changes. */
    static class MemoryDirectory implements TenantDirectory {
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

        void tier(String tenant, String tier) {
            save(TenantRecord.active(TenantId.of(tenant)).withTier(tier)).block();
        }
    }

    static FakeNodes nodes(ResilienceOperator op) {
        FakeNodes n = new FakeNodes(op);
        n.behaviour.put(NODE, t -> Mono.never());
        for (String t : List.of("alpha", "beta", "gamma")) {
            n.placement.put(TenantId.of(t), NODE);
        }
        return n;
    }

    /** @return how many of {@code tries} hanging operations of the tenant are admitted (the rest refused) */
    static int admitted(FakeNodes n, String tenant, int tries, List<Disposable> running) {
        List<Throwable> refused = new ArrayList<>();
        for (int i = 0; i < tries; i++) {
            running.add(n.mono(tenant, OperationKind.WRITE).subscribe(v -> { }, refused::add));
        }
        assertThat(refused).allSatisfy(e -> assertThat(e).isInstanceOf(QuotaExceededException.class));
        return tries - refused.size();
    }

    @Test
    void aTenantsBulkheadIsItsTiersAndFollowsATierChangeWithoutRestart() throws InterruptedException {
        MemoryDirectory directory = new MemoryDirectory();
        directory.tier("alpha", "free");
        directory.tier("beta", "premium");
        ResilienceOperator op = ResilienceOperator.builder().engine(FakeNodes.ENGINE, TIERED).directory(directory)
                .tierRefresh(Duration.ofMillis(20)).build();
        FakeNodes n = nodes(op);
        List<Disposable> running = new ArrayList<>();
        try {
            assertThat(admitted(n, "alpha", 5, running)).as("free tier: 2 concurrent").isEqualTo(2);
            assertThat(admitted(n, "beta", 25, running)).as("premium tier: 20 concurrent").isEqualTo(20);
            assertThat(admitted(n, "gamma", 60, running)).as("not in the directory: the engine's 50").isEqualTo(50);
            StepVerifier.create(n.mono("alpha", OperationKind.WRITE))
                    .expectErrorSatisfies(e -> assertThat(e.getMessage())
                            .contains("tenant=alpha", "resilience.tiers.free.bulkhead.max_concurrent", "tier"))
                    .verify();
            running.forEach(Disposable::dispose);
            running.clear();

            directory.tier("alpha", "premium");
            Thread.sleep(50);
            n.mono("alpha", OperationKind.WRITE).subscribe().dispose(); // the first use after the interval looks the tier up
            assertThat(admitted(n, "alpha", 25, running)).as("moved to premium").isEqualTo(20);
            running.forEach(Disposable::dispose);
            running.clear();

            directory.tier("alpha", "free");
            Thread.sleep(50);
            n.mono("alpha", OperationKind.WRITE).subscribe().dispose();
            assertThat(admitted(n, "alpha", 5, running)).as("back to free").isEqualTo(2);
        } finally {
            running.forEach(Disposable::dispose);
        }
    }

    @Test
    void aDirectoryFailureFallsBackToTheEnginesQuotas() {
        TenantDirectory broken = new MemoryDirectory() {
            @Override
            public Mono<TenantRecord> find(TenantId tenant) {
                return Mono.error(new IllegalStateException("directory unreachable"));
            }
        };
        ResilienceOperator op = ResilienceOperator.builder().engine(FakeNodes.ENGINE, TIERED).directory(broken).build();
        FakeNodes n = nodes(op);
        List<Disposable> running = new ArrayList<>();
        try {
            assertThat(admitted(n, "alpha", 55, running)).isEqualTo(50);
        } finally {
            running.forEach(Disposable::dispose);
        }
    }

    @Test
    void tiersAreReadFromTheYamlAndCheckedByTheSchema(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("postgresql.yml"), """
                connection:
                  hosts: [127.0.0.1:5432]
                resilience:
                  bulkhead: {max_concurrent: 40}
                  rate_limiter: {limit_per_second: 500, enabled: true}
                  tiers:
                    free: {bulkhead: {max_concurrent: 3}, rate_limiter: {limit_per_second: 30}}
                    premium: {rate_limiter: {limit_per_second: 5000}}
                """);
        ResilienceConfig rc = ResilienceConfig.from(ConfigLoader.of(dir).loadDatabaseConfig(DatabaseType.POSTGRESQL, null, "production"));
        assertThat(rc.tierNames()).containsExactly("free", "premium");
        assertThat(rc.forTier("free").maxConcurrent()).isEqualTo(3);
        assertThat(rc.forTier("free").limitPerSecond()).isEqualTo(30);
        assertThat(rc.forTier("premium").maxConcurrent()).as("absent: the engine's").isEqualTo(40);
        assertThat(rc.forTier("premium").limitPerSecond()).isEqualTo(5000);
        assertThat(rc.forTier("gold")).as("unknown tier: the engine's").isSameAs(rc);
        assertThat(rc.forTier(null)).isSameAs(rc);

        Files.writeString(dir.resolve("postgresql.yml"), """
                connection:
                  hosts: [127.0.0.1:5432]
                resilience:
                  tiers:
                    free: {bulkhead: {max_concurent: 3}}
                """);
        assertThatThrownBy(() -> ConfigLoader.of(dir).loadDatabaseConfig(DatabaseType.POSTGRESQL, null, "production"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("resilience.tiers.free.bulkhead.max_concurent")
                .hasMessageContaining("max_concurrent");
    }

    @Test
    void disabledLimitersAdmitEverything() {
        ResilienceOperator op = ResilienceOperator.builder().engine(FakeNodes.ENGINE, ResilienceConfig.builder()
                .maxConcurrent(1).limitPerSecond(1).bulkheadEnabled(false).rateLimiterEnabled(false).build()).build();
        FakeNodes n = nodes(op);
        List<Disposable> running = new ArrayList<>();
        try {
            assertThat(admitted(n, "alpha", 10, running)).isEqualTo(10);
        } finally {
            running.forEach(Disposable::dispose);
        }
    }
}
