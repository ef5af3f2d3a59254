package io.tenantdb.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.reactive.RedisReactiveCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.IsolationViolationException;
import io.tenantdb.core.exception.NotProvisionedException;
import io.tenantdb.core.config.Secret;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Row-level security on Redis: one ACL user per tenant, and the server itself refusing a tenant's
 * connection everything outside its prefix. Uses unique tenants and removes the ACL users and keys
 * it created; never flushes anything.
 */
class RedisAclIT {

    private static TenantDb db;
    private static RedisKeyValueSession kv;
    private static RedisClient raw;
    private static RedisCommands<String, String> redis;
    private static final TenantId A = RedisIt.uniqueTenant("acla");
    private static final TenantId B = RedisIt.uniqueTenant("aclb");
    private static final TenantId NEVER_PROVISIONED = RedisIt.uniqueTenant("acln");

    @BeforeAll
    static void start() {
        ServerEndpoint server = TestServers.redis();
        db = RedisIt.db(RedisTestConfigs.config(server.host(), server.port(), IsolationStrategy.ROW_LEVEL_SECURITY,
                Map.of("acl_secret", Secret.literal("acl-it-secret"), "command_timeout", Duration.ofSeconds(3))));
        kv = RedisIt.session(db);
        raw = RedisClient.create(RedisURI.create(server.host(), server.port()));
        redis = raw.connect().sync();
        db.provision(A).block(Duration.ofSeconds(10));
        db.provision(B).block(Duration.ofSeconds(10));
        db.provision(B).block(Duration.ofSeconds(10)); // idempotent
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.deprovision(A).block(Duration.ofSeconds(30));
            db.deprovision(B).block(Duration.ofSeconds(30));
            assertThat(redis.aclUsers()).doesNotContain("tenantdb_" + A.value(), "tenantdb_" + B.value());
            assertThat(redis.keys("{tenant_" + A.value() + "}:*")).isEmpty();
            db.close();
        }
        if (raw != null) {
            raw.shutdown();
        }
    }

    private static <T> T run(TenantId tenant, Mono<T> mono) {
        return mono.contextWrite(TenantContext.of(tenant)).block(Duration.ofSeconds(10));
    }

    private static <T> Flux<T> nativeAs(TenantId tenant,
                                        Function<RedisReactiveCommands<String, byte[]>, Publisher<T>> work) {
        return kv.withNative(RedisReactiveCommands.class, c -> {
            @SuppressWarnings("unchecked")
            RedisReactiveCommands<String, byte[]> commands = c;
            return work.apply(commands);
        }).contextWrite(TenantContext.of(tenant));
    }

    private static void refusedByServer(Flux<?> attempt) {
        StepVerifier.create(attempt)
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(IsolationViolationException.class)
                        .hasMessageContaining("ACL"))
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void provisioningCreatesAnAclUserConfinedToThePrefix() {
        List<Object> user = redis.aclGetuser("tenantdb_" + A.value());
        assertThat(user).isNotNull();
        assertThat(user.toString()).contains("~{tenant_" + A.value() + "}:*", "&{tenant_" + A.value() + "}:*",
                "-@dangerous");
    }

    @Test
    void sessionsWorkAsTheTenantsAclUser() {
        run(A, kv.set("k", "a's value"));
        run(B, kv.set("k", "b's value"));
        assertThat(run(A, kv.get("k"))).isEqualTo("a's value");
        assertThat(run(B, kv.get("k"))).isEqualTo("b's value");
        assertThat(run(A, kv.scan("*").collectList())).containsExactly("k");
        // the native connection is A's own ACL user: its keys are physical
        byte[] own = nativeAs(A, c -> c.get("{tenant_" + A.value() + "}:k")).blockLast(Duration.ofSeconds(10));
        assertThat(new String(own, StandardCharsets.UTF_8)).isEqualTo("a's value");
        assertThat(redis.clientList()).contains("user=tenantdb_" + A.value());
    }

    @Test
    void theServerRefusesTenantAEverythingOfTenantB() {
        run(B, kv.set("secret", "b only"));
        String bKey = "{tenant_" + B.value() + "}:secret";
        refusedByServer(nativeAs(A, c -> c.get(bKey)));
        refusedByServer(nativeAs(A, c -> c.set(bKey, "overwrite".getBytes(StandardCharsets.UTF_8))));
        refusedByServer(nativeAs(A, c -> c.scan(ScanCursor.INITIAL, ScanArgs.Builder.matches("*"))));
        refusedByServer(nativeAs(A, c -> c.eval("return redis.call('GET', KEYS[1])", ScriptOutputType.VALUE,
                new String[] {bKey})));
        refusedByServer(nativeAs(A, c -> c.eval("return redis.call('GET', '" + bKey + "')", ScriptOutputType.VALUE)));
        refusedByServer(nativeAs(A, c -> c.publish("{tenant_" + B.value() + "}:chan",
                "x".getBytes(StandardCharsets.UTF_8))));
        assertThat(redis.get(bKey)).isEqualTo("b only");
    }

    @Test
    void theServerRefusesAdministrativeAndDangerousCommands() {
        refusedByServer(nativeAs(A, c -> c.flushall()));
        refusedByServer(nativeAs(A, c -> c.flushdb()));
        refusedByServer(nativeAs(A, c -> c.configGet("*")));
        refusedByServer(nativeAs(A, c -> c.keys("*")));
        refusedByServer(nativeAs(A, c -> c.aclList()));
        refusedByServer(nativeAs(A, c -> c.dbsize()));
        refusedByServer(nativeAs(A, c -> c.scriptFlush()));
        refusedByServer(nativeAs(A, c -> c.pubsubChannels()));
    }

    private static long connectionsOf(TenantId tenant) {
        String user = "user=tenantdb_" + tenant.value() + " ";
        return redis.clientList().lines().filter(l -> l.contains(user)).count();
    }

    private static void awaitConnections(TenantId tenant, long expected) throws InterruptedException {
        for (int i = 0; i < 100 && connectionsOf(tenant) != expected; i++) {
            Thread.sleep(50);
        }
        assertThat(connectionsOf(tenant)).isEqualTo(expected);
    }

    @Test
    void cancellingNativeWorkClosesItsConnection() throws InterruptedException {
        run(A, kv.set("warm", "up")); // the tenant's shared connection exists
        long before = connectionsOf(A);
        reactor.core.Disposable work = nativeAs(A, c -> Flux.never()).subscribe();
        awaitConnections(A, before + 1);
        work.dispose();
        awaitConnections(A, before);
    }

    @Test
    void cancellingWhileTheNativeConnectionOpensLeavesNoConnectionBehind() throws InterruptedException {
        run(A, kv.set("warm", "up"));
        long before = connectionsOf(A);
        for (int i = 0; i < 5; i++) {
            nativeAs(A, c -> Flux.never()).subscribe().dispose(); // cancelled before the connect completes
        }
        Thread.sleep(500); // the connects finish on their own and are then closed
        awaitConnections(A, before);
    }

    @Test
    void aTenantWithoutItsAclUserIsToldToProvision() {
        StepVerifier.create(kv.get("k").contextWrite(TenantContext.of(NEVER_PROVISIONED)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(NotProvisionedException.class)
                        .hasMessageContaining("provision").hasMessageNotContaining("acl-it-secret"))
                .verify(Duration.ofSeconds(10));
    }
}
