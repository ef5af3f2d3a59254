package io.tenantdb.core.spi;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.OperationKind;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.config.TlsConfig;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

class ScopeCacheTest {

    private static final TenantId A = TenantId.of("acme");
    private static final TenantId B = TenantId.of("globex");
    private static final NodeAddress PRIMARY = NodeAddress.of("127.0.0.1", 6379);
    private static final NodeAddress REPLICA = NodeAddress.of("127.0.0.2", 6379);

    private static DatabaseConfig config() {
        return DatabaseConfig.builder(DatabaseType.REDIS)
                .connection(new ConnectionConfig(List.of(PRIMARY), null, null, Secret.literal("pw"), TlsConfig.DISABLED,
                        Duration.ofSeconds(1), Map.of()))
                .build();
    }

    private static final DatabaseConfig CONFIG = config();

    private static Mono<Target> target(TenantId tenant, NodeAddress node, DatabaseConfig config) {
        return Mono.just(new Target(DatabaseType.REDIS, tenant, OperationKind.READ, IsolationStrategy.SCHEMA_PER_TENANT,
                node, config));
    }

    private final AtomicInteger built = new AtomicInteger();
    private final ScopeCache<String> cache = new ScopeCache<>();

    private Mono<String> build(Target t) {
        return Mono.fromSupplier(() -> t.tenant() + "@" + t.node() + "#" + built.incrementAndGet());
    }

    private String run(Mono<Target> target) {
        return cache.run(target, this::build, Mono::just).block(Duration.ofSeconds(5));
    }

    @Test
    void aTenantsScopeIsBuiltOnceWhileItsTargetStaysTheSame() {
        assertThat(run(target(A, PRIMARY, CONFIG))).isEqualTo("acme@127.0.0.1:6379#1");
        assertThat(run(target(A, PRIMARY, CONFIG))).isEqualTo("acme@127.0.0.1:6379#1");
        assertThat(cache.runMany(target(A, PRIMARY, CONFIG), this::build, Flux::just).blockFirst())
                .isEqualTo("acme@127.0.0.1:6379#1");
        assertThat(run(target(B, PRIMARY, CONFIG))).isEqualTo("globex@127.0.0.1:6379#2");
        assertThat(built).hasValue(2);
    }

    @Test
    void anotherNodeOrConfigurationBuildsANewScope() {
        run(target(A, PRIMARY, CONFIG));
        assertThat(run(target(A, REPLICA, CONFIG))).isEqualTo("acme@127.0.0.2:6379#2");
        assertThat(run(target(A, REPLICA, config()))).endsWith("#3");
        assertThat(run(target(A, REPLICA, config()))).endsWith("#4");
    }

    @Test
    void aForgottenTenantAndAClosedCacheKeepNothing() {
        run(target(A, PRIMARY, CONFIG));
        cache.forget(A);
        assertThat(run(target(A, PRIMARY, CONFIG))).endsWith("#2");

        // a scope still being built when the tenant is forgotten is not kept
        cache.forget(A);
        Sinks.One<String> slow = Sinks.one();
        Mono<String> pending = cache.run(target(A, PRIMARY, CONFIG), t -> slow.asMono(), Mono::just);
        Mono<String> result = pending.cache();
        result.subscribe();
        cache.forget(A);
        slow.tryEmitValue("stale");
        assertThat(result.block(Duration.ofSeconds(5))).isEqualTo("stale");
        assertThat(run(target(A, PRIMARY, CONFIG))).endsWith("#3");

        cache.close();
        assertThat(run(target(A, PRIMARY, CONFIG))).endsWith("#4");
        assertThat(run(target(A, PRIMARY, CONFIG))).endsWith("#5");
    }
}
