package io.tenantdb.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.ConfigException;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Database per tenant on Redis: each tenant's (prefixed) keys in its own logical database. */
class RedisDatabasePerTenantIT {

    private static final int DB_ONE = 12;
    private static final int DB_TWO = 13;
    private static TenantDb db;
    private static RedisKeyValueSession kv;
    private static RedisClient raw;
    private static RedisCommands<String, String> redis;
    private static final TenantId ONE = RedisIt.uniqueTenant("dba");
    private static final TenantId TWO = RedisIt.uniqueTenant("dbb");
    private static final TenantId UNMAPPED = RedisIt.uniqueTenant("dbc");

    @BeforeAll
    static void start() {
        ServerEndpoint s = TestServers.redis();
        db = RedisIt.db(RedisTestConfigs.config(s.host(), s.port(), IsolationStrategy.SCHEMA_PER_TENANT, Map.of()),
                Map.of(ONE, RedisTestConfigs.config(s.host(), s.port(), IsolationStrategy.DATABASE_PER_TENANT,
                                Map.of("database", String.valueOf(DB_ONE))),
                        TWO, RedisTestConfigs.config(s.host(), s.port(), IsolationStrategy.DATABASE_PER_TENANT,
                                Map.of("database", String.valueOf(DB_TWO))),
                        UNMAPPED, RedisTestConfigs.config(s.host(), s.port(), IsolationStrategy.DATABASE_PER_TENANT,
                                Map.of())));
        kv = RedisIt.session(db);
        raw = RedisClient.create(RedisURI.create(s.host(), s.port()));
        redis = raw.connect().sync();
        db.provision(ONE).block(Duration.ofSeconds(10));
        db.provision(TWO).block(Duration.ofSeconds(10));
    }

    @AfterAll
    static void stop() {
        if (db != null) {
            db.deprovision(ONE).block(Duration.ofSeconds(30));
            db.deprovision(TWO).block(Duration.ofSeconds(30));
            redis.select(DB_ONE);
            assertThat(redis.keys("{tenant_" + ONE.value() + "}:*")).isEmpty();
            db.close();
        }
        if (raw != null) {
            raw.shutdown();
        }
    }

    private static <T> T run(TenantId tenant, Mono<T> mono) {
        return mono.contextWrite(TenantContext.of(tenant)).block(Duration.ofSeconds(10));
    }

    @Test
    void eachTenantWritesToItsOwnLogicalDatabase() {
        run(ONE, kv.set("k", "one"));
        run(TWO, kv.set("k", "two"));
        assertThat(run(ONE, kv.get("k"))).isEqualTo("one");
        assertThat(run(TWO, kv.get("k"))).isEqualTo("two");
        redis.select(DB_ONE);
        assertThat(redis.get("{tenant_" + ONE.value() + "}:k")).isEqualTo("one");
        assertThat(redis.get("{tenant_" + TWO.value() + "}:k")).isNull();
        redis.select(DB_TWO);
        assertThat(redis.get("{tenant_" + TWO.value() + "}:k")).isEqualTo("two");
        redis.select(0);
        assertThat(redis.get("{tenant_" + ONE.value() + "}:k")).isNull();
        assertThat(run(ONE, kv.scan("*").collectList())).containsExactly("k");
    }

    @Test
    void aTenantWithoutADatabaseOfItsOwnIsRefused() {
        StepVerifier.create(kv.set("k", "v").contextWrite(TenantContext.of(UNMAPPED)))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(ConfigException.class)
                        .hasMessageContaining("redis.database").hasMessageContaining(UNMAPPED.value()))
                .verify(Duration.ofSeconds(10));
    }
}
