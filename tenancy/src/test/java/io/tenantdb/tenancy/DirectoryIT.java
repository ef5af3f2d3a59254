package io.tenantdb.tenancy;

import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.Connection;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.exception.NotProvisionedException;
import io.tenantdb.tenancy.directory.PostgresTenantDirectory;
import io.tenantdb.tenancy.directory.TenantOnboarding;
import io.tenantdb.tenancy.directory.TenantRecord;
import io.tenantdb.tenancy.directory.TenantStatus;
import io.tenantdb.tenancy.directory.TenantStatusOperator;
import io.tenantdb.tenancy.directory.TenantSuspendedException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * The PostgreSQL directory shared by two "instances": onboarding on one provisions the tenant and
 * places it; a suspension saved by one is enforced by the other within its poll interval, without
 * restart; offboarding removes the tenant's schema and marks it erased.
 */
class DirectoryIT {

    private final String prefix = PgTenancy.unique();
    private final String table = "tenantdb_directory_" + prefix;
    private final DatabaseConfig config = PgTenancy.config(List.of(PgTenancy.serverNode()), IsolationStrategy.SCHEMA_PER_TENANT, prefix, 4);
    private final PostgresTenantDirectory first = PostgresTenantDirectory.of(config, table, Duration.ofMillis(100));
    private final PostgresTenantDirectory second = PostgresTenantDirectory.of(config, table, Duration.ofMillis(100));
    private TenantDb db;

    @AfterEach
    void tearDown() {
        first.close();
        second.close();
        if (db != null) {
            db.close();
        }
        var s = PgTenancy.server();
        PostgresqlConnectionFactory f = new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
                .host(s.host()).port(s.port()).username(s.user()).database(s.database()).build());
        Flux.usingWhen(f.create(), c -> Flux.from(c.createStatement("DROP TABLE IF EXISTS " + table + "; DROP SEQUENCE IF EXISTS "
                + table + "_version").execute()).concatMap(r -> r.getRowsUpdated()), Connection::close).blockLast(PgTenancy.WAIT);
    }

    @Test
    void onboardingSuspensionAndOffboardingAreSeenByEveryInstance() throws InterruptedException {
        first.initialize().block(PgTenancy.WAIT);
        first.start();
        second.start();
        db = TenantDb.builder().engines(DatabaseType.POSTGRESQL).engineConfig(config)
                .operator(new TenantStatusOperator(second, true)).build();
        TenantOnboarding onboarding = new TenantOnboarding(db, first,
                Map.of(DatabaseType.POSTGRESQL, List.of("shard_a", "shard_b", "shard_c")));
        TenantId tenant = TenantId.of("acme");

        long start = System.nanoTime();
        TenantRecord record = onboarding.onboard(TenantRecord.active(tenant).withTier("gold")).block(PgTenancy.WAIT);
        long onboardMs = (System.nanoTime() - start) / 1_000_000;
        assertThat(record.shard(DatabaseType.POSTGRESQL)).get().isIn("shard_a", "shard_b", "shard_c");
        assertThat(record.tier()).isEqualTo("gold");
        assertThat(second.find(tenant).block(PgTenancy.WAIT)).isEqualTo(record);

        db.sql(DatabaseType.POSTGRESQL).execute("CREATE TABLE {schema}.t (id int)").contextWrite(TenantContext.of(tenant))
                .block(PgTenancy.WAIT);

        // suspended through the first instance: the second refuses within its poll interval
        onboarding.setStatus(tenant, TenantStatus.SUSPENDED).block(PgTenancy.WAIT);
        Throwable refused = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (refused == null && System.nanoTime() < deadline) {
            refused = catchThrowable(() -> db.sql(DatabaseType.POSTGRESQL).query("SELECT count(*) FROM {schema}.t")
                    .contextWrite(TenantContext.of(tenant)).blockLast(PgTenancy.WAIT));
            Thread.sleep(20);
        }
        assertThat(refused).isInstanceOf(TenantSuspendedException.class).hasMessageContaining("tenant=acme");

        onboarding.setStatus(tenant, TenantStatus.ACTIVE).block(PgTenancy.WAIT);
        Thread.sleep(400);
        assertThat(db.sql(DatabaseType.POSTGRESQL).query("SELECT count(*) AS n FROM {schema}.t")
                .map(r -> r.get("n", Long.class)).single().contextWrite(TenantContext.of(tenant)).block(PgTenancy.WAIT)).isZero();

        onboarding.offboard(tenant).block(PgTenancy.WAIT);
        assertThat(first.find(tenant).block(PgTenancy.WAIT).status()).isEqualTo(TenantStatus.ERASED);
        // the schema is gone (asked through a façade without the status operator)
        try (TenantDb raw = TenantDb.builder().engines(DatabaseType.POSTGRESQL).engineConfig(config).build()) {
            assertThat(catchThrowable(() -> raw.sql(DatabaseType.POSTGRESQL).query("SELECT count(*) FROM {schema}.t")
                    .contextWrite(TenantContext.of(tenant)).blockLast(PgTenancy.WAIT))).isInstanceOf(NotProvisionedException.class);
        }
        System.out.println("DirectoryIT: onboarding (directory + provisioning) took " + onboardMs + " ms");
    }

    @Test
    void replaceSwitchesOnlyFromTheVersionItRead() throws InterruptedException {
        first.initialize().block(PgTenancy.WAIT);
        second.start();
        TenantId tenant = TenantId.of("mover");
        TenantRecord read = first.save(TenantRecord.active(tenant).withShard(DatabaseType.POSTGRESQL, "shard_a")).block(PgTenancy.WAIT);
        TenantRecord moved = first.replace(read, read.withShard(DatabaseType.POSTGRESQL, "shard_b")
                .withStrategy(DatabaseType.POSTGRESQL, IsolationStrategy.DATABASE_PER_TENANT)).block(PgTenancy.WAIT);
        assertThat(moved.shard(DatabaseType.POSTGRESQL)).contains("shard_b");
        assertThat(moved.version()).isGreaterThan(read.version());
        // a second writer still holding the old version loses: nothing is overwritten
        assertThat(first.replace(read, read.withStatus(TenantStatus.SUSPENDED)).blockOptional(PgTenancy.WAIT)).isEmpty();
        Thread.sleep(400);
        TenantRecord seen = second.find(tenant).block(PgTenancy.WAIT);
        assertThat(seen.shard(DatabaseType.POSTGRESQL)).contains("shard_b");
        assertThat(seen.strategies()).containsEntry(DatabaseType.POSTGRESQL, IsolationStrategy.DATABASE_PER_TENANT);
        assertThat(seen.status()).isEqualTo(TenantStatus.ACTIVE);
    }
}
