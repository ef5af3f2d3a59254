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
import io.tenantdb.core.exception.QuotaExceededException;
import io.tenantdb.tenancy.directory.PostgresTenantDirectory;
import io.tenantdb.tenancy.directory.TenantRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Quotas by tier with the PostgreSQL tenant directory: a free tenant's concurrent queries beyond its
 * tier's bulkhead are refused while a premium tenant's same load all runs; moving the free tenant to
 * premium in the directory (through another directory instance, as an admin would) lifts its limit
 * without restarting the façade.
 */
class TierQuotasIT {

    static final int CONCURRENT = 6;

    private final String prefix = PgTenancy.unique();
    private final String table = "tenantdb_directory_" + prefix;
    private final DatabaseConfig config = PgTenancy.config(List.of(PgTenancy.serverNode()), IsolationStrategy.SCHEMA_PER_TENANT,
            prefix, CONCURRENT + 2);
    private final PostgresTenantDirectory serving = PostgresTenantDirectory.of(config, table, Duration.ofMillis(100));
    private final PostgresTenantDirectory admin = PostgresTenantDirectory.of(config, table, Duration.ofMillis(100));
    private final TenantId free = TenantId.of("small_shop");
    private final TenantId premium = TenantId.of("big_label");
    private TenantDb db;

    @AfterEach
    void tearDown() {
        serving.close();
        admin.close();
        if (db != null) {
            Flux.just(free, premium).concatMap(t -> db.deprovision(t).onErrorResume(e -> Mono.empty())).blockLast(PgTenancy.WAIT);
            db.close();
        }
        var s = PgTenancy.server();
        PostgresqlConnectionFactory f = new PostgresqlConnectionFactory(PostgresqlConnectionConfiguration.builder()
                .host(s.host()).port(s.port()).username(s.user()).database(s.database()).build());
        Flux.usingWhen(f.create(), c -> Flux.from(c.createStatement("DROP TABLE IF EXISTS " + table + "; DROP SEQUENCE IF EXISTS "
                + table + "_version").execute()).concatMap(r -> r.getRowsUpdated()), Connection::close).blockLast(PgTenancy.WAIT);
    }

    /** @return how many of {@link #CONCURRENT} concurrent 300 ms queries of the tenant were refused for quota */
    private long refused(TenantId tenant) {
        List<Object> outcomes = Flux.range(0, CONCURRENT)
                .flatMap(i -> db.sql(DatabaseType.POSTGRESQL).query("SELECT pg_sleep(0.3)").then(Mono.<Object>just("ok"))
                        .onErrorResume(QuotaExceededException.class, Mono::just)
                        .contextWrite(TenantContext.of(tenant)), CONCURRENT)
                .collectList().block(PgTenancy.WAIT);
        assertThat(outcomes).hasSize(CONCURRENT);
        return outcomes.stream().filter(o -> o instanceof QuotaExceededException).count();
    }

    @Test
    void aFreeTenantIsLimitedAPremiumOneIsNotAndATierChangeAppliesWithoutRestart() throws InterruptedException {
        serving.initialize().block(PgTenancy.WAIT);
        serving.start();
        admin.start();
        admin.save(TenantRecord.active(free).withTier("free")).block(PgTenancy.WAIT);
        admin.save(TenantRecord.active(premium).withTier("premium")).block(PgTenancy.WAIT);

        ResilienceOperator resilience = ResilienceOperator.builder()
                .engine(DatabaseType.POSTGRESQL, ResilienceConfig.builder()
                        .tier("free", new ResilienceConfig.TierQuota(2, 100))
                        .tier("premium", new ResilienceConfig.TierQuota(50, 10_000))
                        .build())
                .directory(serving)
                .tierRefresh(Duration.ofMillis(100))
                .build();
        db = TenantDb.builder().engines(DatabaseType.POSTGRESQL).engineConfig(config).operator(resilience)
                .targetResolverFactory(ctx -> resilience.guard(io.tenantdb.core.spi.TargetResolver.firstHost(ctx)))
                .build();
        Flux.just(free, premium).concatMap(db::provision).blockLast(PgTenancy.WAIT);

        assertThat(refused(free)).as("free tier: 2 concurrent of 6").isEqualTo(CONCURRENT - 2);
        assertThat(refused(premium)).as("premium tier: 50 concurrent").isZero();

        // an admin moves the tenant to premium; the serving instance follows within its poll + tier refresh
        admin.save(TenantRecord.active(free).withTier("premium")).block(PgTenancy.WAIT);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long refusedAfter;
        do {
            Thread.sleep(150);
            refusedAfter = refused(free);
        } while (refusedAfter > 0 && System.nanoTime() < deadline);
        assertThat(refusedAfter).as("after the move to premium").isZero();
    }
}
