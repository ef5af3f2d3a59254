package io.tenantdb.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.sync.RedisCommands;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The engine configured from YAML files: every {@code redis:} key, a secret reference, a tenant file. */
class RedisConfigFileIT {

    @TempDir
    Path dir;

    @Test
    void theRedisSectionAndTenantFilesDriveIsolation() throws IOException {
        ServerEndpoint s = TestServers.redis();
        TenantId shared = RedisIt.uniqueTenant("cfga");
        TenantId own = RedisIt.uniqueTenant("cfgb");
        Files.writeString(dir.resolve("redis.yml"), String.join("\n",
                "connection:",
                "  hosts:",
                "    - host: " + s.host(),
                "      port: " + s.port(),
                "  database: \"0\"",
                "tenant_isolation:",
                "  strategy: row_level_security",
                "  prefix: \"cfg_{{tenant_id}}\"",
                "redis:",
                "  topology: standalone",
                "  hash_tag: true",
                "  acl_per_tenant: true",
                "  acl_secret: ${env:REDIS_ACL_SECRET}",
                "  command_timeout: 2s",
                "  topology_refresh: 30s",
                "  stream_poll_interval: 50ms",
                ""));
        Path tenantDir = Files.createDirectories(dir.resolve("tenants").resolve(own.value()));
        Files.writeString(tenantDir.resolve("redis.yml"), String.join("\n",
                "tenant_isolation:",
                "  strategy: database_per_tenant",
                "redis:",
                "  database: 11",
                ""));
        RedisClient raw = RedisClient.create(RedisURI.create(s.host(), s.port()));
        TenantDb db = TenantDb.builder().configDirectory(dir).environmentVariables(Map.of("REDIS_ACL_SECRET", "from-env"))
                .engines(DatabaseType.REDIS).build();
        try {
            RedisCommands<String, String> redis = raw.connect().sync();
            db.provision(shared).block(Duration.ofSeconds(10));
            db.provision(own).block(Duration.ofSeconds(10));
            RedisKeyValueSession kv = RedisIt.session(db);
            kv.set("k", "shared").contextWrite(TenantContext.of(shared)).block(Duration.ofSeconds(10));
            kv.set("k", "own").contextWrite(TenantContext.of(own)).block(Duration.ofSeconds(10));

            assertThat(redis.aclUsers()).contains("tenantdb_" + shared.value());
            assertThat(redis.get("{cfg_" + shared.value() + "}:k")).isEqualTo("shared");
            redis.select(11);
            assertThat(redis.get("{cfg_" + own.value() + "}:k")).isEqualTo("own");
            redis.select(0);

            db.deprovision(shared).block(Duration.ofSeconds(30));
            db.deprovision(own).block(Duration.ofSeconds(30));
            assertThat(redis.aclUsers()).doesNotContain("tenantdb_" + shared.value());
            assertThat(redis.get("{cfg_" + shared.value() + "}:k")).isNull();
            redis.select(11);
            assertThat(redis.get("{cfg_" + own.value() + "}:k")).isNull();
        } finally {
            db.close();
            raw.shutdown();
        }
    }
}
