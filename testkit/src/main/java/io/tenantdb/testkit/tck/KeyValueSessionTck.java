package io.tenantdb.testkit.tck;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.MissingTenantException;
import io.tenantdb.core.exception.TenantDbException;
import io.tenantdb.core.session.KeyValueSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.tenantdb.testkit.tck.TckSupport.STEP;
import static io.tenantdb.testkit.tck.TckSupport.all;
import static io.tenantdb.testkit.tck.TckSupport.as;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract every {@link KeyValueSession} engine and isolation strategy passes, including the
 * cross-tenant contract. The TCK only uses keys starting with {@code tck:}.
 */
public interface KeyValueSessionTck {

    /** @return a running TenantDb on which both tenants are provisioned */
    TenantDb tenantDb();

    /** @return the engine under test */
    default DatabaseType engine() {
        return DatabaseType.REDIS;
    }

    /** @return the first tenant */
    TenantId tenantA();

    /** @return the second tenant */
    TenantId tenantB();

    /** @return the session under test */
    default KeyValueSession kv() {
        return tenantDb().keyValue(engine());
    }

    /** Deletes both tenants' {@code tck:*} keys before each test. */
    @BeforeEach
    default void resetBothTenants() {
        for (TenantId t : List.of(tenantA(), tenantB())) {
            List<String> keys = all(t, kv().scan("tck:*"));
            if (!keys.isEmpty()) {
                as(t, kv().delete(keys.toArray(new String[0])));
            }
        }
    }

    @Test
    default void tck_setGetDeleteRoundTrip() {
        as(tenantA(), kv().set("tck:song", "blue in green"));
        assertThat(as(tenantA(), kv().get("tck:song"))).isEqualTo("blue in green");
        assertThat(as(tenantA(), kv().exists("tck:song"))).isTrue();
        assertThat(as(tenantA(), kv().delete("tck:song"))).isEqualTo(1L);
        assertThat(as(tenantA(), kv().get("tck:song"))).isNull();
    }

    @Test
    default void tck_ttlAndSetIfAbsent() {
        as(tenantA(), kv().set("tck:ttl", "v", Duration.ofSeconds(100)));
        Duration ttl = as(tenantA(), kv().ttl("tck:ttl"));
        assertThat(ttl).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(100));
        assertThat(as(tenantA(), kv().setIfAbsent("tck:nx", "first", null))).isTrue();
        assertThat(as(tenantA(), kv().setIfAbsent("tck:nx", "second", null))).isFalse();
        assertThat(as(tenantA(), kv().get("tck:nx"))).isEqualTo("first");
        assertThat(as(tenantA(), kv().expire("tck:nx", Duration.ofSeconds(50)))).isTrue();
    }

    @Test
    default void tck_countersAndHashes() {
        assertThat(as(tenantA(), kv().increment("tck:plays"))).isEqualTo(1L);
        assertThat(as(tenantA(), kv().increment("tck:plays"))).isEqualTo(2L);
        as(tenantA(), kv().hset("tck:user", "name", "ada"));
        as(tenantA(), kv().hset("tck:user", "plan", "premium"));
        assertThat(as(tenantA(), kv().hget("tck:user", "plan"))).isEqualTo("premium");
        assertThat(as(tenantA(), kv().hgetall("tck:user"))).isEqualTo(Map.of("name", "ada", "plan", "premium"));
    }

    @Test
    default void tck_tenantBCannotReadCountUpdateOrDeleteTenantAKeys() {
        as(tenantA(), kv().set("tck:secret", "a"));
        as(tenantA(), kv().hset("tck:h", "f", "a"));
        assertThat(as(tenantB(), kv().get("tck:secret"))).isNull();
        assertThat(as(tenantB(), kv().exists("tck:secret"))).isFalse();
        assertThat(as(tenantB(), kv().hget("tck:h", "f"))).isNull();
        assertThat(all(tenantB(), kv().scan("tck:*"))).isEmpty();
        assertThat(as(tenantB(), kv().delete("tck:secret"))).isZero();
        as(tenantB(), kv().set("tck:secret", "b"));
        assertThat(as(tenantB(), kv().increment("tck:counter"))).isEqualTo(1L);
        assertThat(as(tenantA(), kv().get("tck:secret"))).isEqualTo("a");
        assertThat(as(tenantA(), kv().get("tck:counter"))).isNull();
        assertThat(as(tenantB(), kv().get("tck:secret"))).isEqualTo("b");
    }

    @Test
    default void tck_scanStreamsOnlyTheTenantsLogicalKeys() {
        Flux.range(1, 150).concatMap(i -> kv().set("tck:k" + i, "v")).contextWrite(TenantContext.of(tenantA())).blockLast(STEP);
        as(tenantB(), kv().set("tck:b_only", "v"));
        List<String> keys = all(tenantA(), kv().scan("tck:k*"));
        assertThat(keys).hasSize(150).allMatch(k -> k.startsWith("tck:k"));
        StepVerifier.create(kv().scan("tck:*").contextWrite(TenantContext.of(tenantA())), 0)
                .thenRequest(2).expectNextCount(2).thenCancel().verify(STEP);
    }

    @Test
    default void tck_withoutTenantFailsClosed() {
        StepVerifier.create(kv().get("tck:x")).expectError(MissingTenantException.class).verify(STEP);
        StepVerifier.create(kv().scan("*")).expectError(MissingTenantException.class).verify(STEP);
    }

    @Test
    default void tck_unsafeKeysAreRefused() {
        for (String bad : List.of("tck:a\r\nFLUSHALL", "tck:*", "tck:a?", "tck:[ab]", "tck:a\u0000b")) {
            StepVerifier.create(kv().set(bad, "v").contextWrite(TenantContext.of(tenantA())))
                    .expectErrorSatisfies(e -> {
                        assertThat(e).isInstanceOf(TenantDbException.class);
                        assertThat(((TenantDbException) e).isTransient()).isFalse();
                    })
                    .verify(STEP);
        }
    }
}
