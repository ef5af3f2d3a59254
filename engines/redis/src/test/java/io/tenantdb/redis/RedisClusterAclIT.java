package io.tenantdb.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.Secret;
import io.tenantdb.core.exception.IsolationViolationException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Row-level security on Redis Cluster: the tenant's ACL user exists on every node (ACL users are not
 * replicated), its own cluster connection routes its commands, and every node refuses it other
 * tenants' keys.
 */
class RedisClusterAclIT {

    private static TenantDb db;
    private static RedisKeyValueSession kv;
    private static final TenantId A = RedisIt.uniqueTenant("cacla");
    private static final TenantId B = RedisIt.uniqueTenant("caclb");

    @BeforeAll
    static void start() {
        db = RedisIt.db(RedisTestConfigs.config(RedisClusterServers.seeds(), IsolationStrategy.ROW_LEVEL_SECURITY,
                Map.of("topology", "cluster", "acl_secret", Secret.literal("cluster-acl-it"))));
        kv = RedisIt.session(db);
        db.provision(A).block(Duration.ofSeconds(30));
        db.provision(B).block(Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.deprovision(A).block(Duration.ofSeconds(60));
            db.deprovision(B).block(Duration.ofSeconds(60));
            for (int port : RedisClusterServers.PORTS) {
                assertThat(aclUsers(port)).doesNotContain("tenantdb_" + A.value(), "tenantdb_" + B.value());
            }
            db.close();
        }
    }

    private static List<String> aclUsers(int port) {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().aclUsers();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static <T> T run(TenantId tenant, Mono<T> mono) {
        return mono.contextWrite(TenantContext.of(tenant)).block(Duration.ofSeconds(20));
    }

    @Test
    void everyNodeKnowsTheTenantsAclUserAndTheTenantWorksThroughIt() {
        for (int port : RedisClusterServers.PORTS) {
            assertThat(aclUsers(port)).as("ACL users of node %d", port).contains("tenantdb_" + A.value());
        }
        run(A, kv.set("k", "a"));
        run(B, kv.set("k", "b"));
        assertThat(run(A, kv.get("k"))).isEqualTo("a");
        assertThat(run(B, kv.get("k"))).isEqualTo("b");
        assertThat(run(A, kv.scan("*").collectList())).containsExactly("k");
        assertThat(run(A, kv.transaction(tx -> tx.incrementBy("n", 3).get("k")))).containsExactly(3L, "a");
        // the session's commands travel on connections authenticated as the tenant's ACL user
        String user = "user=tenantdb_" + A.value() + " ";
        assertThat(RedisClusterServers.PORTS.stream().mapToLong(p -> clientList(p).lines()
                .filter(l -> l.contains(user)).count()).sum()).isPositive();
    }

    private static String clientList(int port) {
        RedisClient client = RedisClient.create(RedisURI.create("127.0.0.1", port));
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            return c.sync().clientList();
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    @Test
    void theNodesRefuseTenantAOtherTenantsKeys() {
        run(B, kv.set("secret", "b"));
        String bKey = "{tenant_" + B.value() + "}:secret";
        StepVerifier.create(kv.withNative(RedisReactiveCommands.class, c -> {
                    @SuppressWarnings("unchecked")
                    RedisReactiveCommands<String, byte[]> r = c;
                    return r.get(bKey);
                }).contextWrite(TenantContext.of(A)))
                .expectError(IsolationViolationException.class)
                .verify(Duration.ofSeconds(20));
        byte[] own = kv.withNative(RedisReactiveCommands.class, c -> {
            @SuppressWarnings("unchecked")
            RedisReactiveCommands<String, byte[]> r = c;
            return r.set("{tenant_" + A.value() + "}:native", "x".getBytes(StandardCharsets.UTF_8))
                    .then(r.get("{tenant_" + A.value() + "}:native"));
        }).contextWrite(TenantContext.of(A)).blockLast(Duration.ofSeconds(20));
        assertThat(new String(own, StandardCharsets.UTF_8)).isEqualTo("x");
    }
}
