package io.tenantdb.benchmarks.cases;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.tenantdb.benchmarks.BenchCase;
import io.tenantdb.benchmarks.internal.Bench;
import io.tenantdb.benchmarks.internal.Side;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantDb;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.session.SqlSession;
import io.tenantdb.testkit.ServerEndpoint;
import io.tenantdb.testkit.TestServers;
import reactor.util.context.Context;

/**
 * {@code tenants_10k}: point selects spread round-robin over many tenants ÷ the same selects for one tenant,
 * schema strategy, one TenantDb with 10 connections (≤ 20), 64 in flight. 10,000 tenants in the full run;
 * {@code --quick} uses 1,000 (provisioning 10,000 schemas, each with a table and rows, takes minutes on this
 * shared 2-core machine the first time); the table notes the count. The tenants live in their own database, {@code tenantdb_bench}, kept between
 * runs (provisioning is idempotent) so a second run starts at once; drop it with
 * {@code DROP DATABASE tenantdb_bench} when done.
 */
final class TenantsCases implements BenchCase {

    @Override
    public List<String> ids() {
        return List.of("tenants_10k");
    }

    @Override
    public void run(Bench bench) {
        int count = bench.settings().quick() ? 1_000 : 10_000;
        ServerEndpoint benchDb = Pg.benchDatabase(TestServers.postgresql());
        TenantDb db = Common.tenantDb(DatabaseType.POSTGRESQL, Pg.config(benchDb, IsolationStrategy.SCHEMA_PER_TENANT, Common.POOL)).build();
        try {
            SqlSession sql = db.sql(DatabaseType.POSTGRESQL);
            TenantId[] tenants = Pg.tenants(count);
            List<Function<Context, Context>> contexts = Pg.contexts(tenants);
            Pg.provisionSchemaTenants(db, tenants, contexts);
            AtomicInteger rr = new AtomicInteger();
            String select = "SELECT id, title FROM tracks WHERE id = $1";
            bench.compare("tenants_10k",
                    Side.of(count + " tenants round-robin", () -> sql.query(select, next()).map(r -> r.get(1, String.class)).last()
                            .contextWrite(contexts.get(Math.floorMod(rr.getAndIncrement(), count)))),
                    Side.of("1 tenant", () -> sql.query(select, next()).map(r -> r.get(1, String.class)).last()
                            .contextWrite(contexts.get(0))),
                    Common.IN_FLIGHT, "ops");
        } finally {
            db.close();
        }
    }

    private static long next() {
        return 1 + ThreadLocalRandom.current().nextInt(10);
    }
}
