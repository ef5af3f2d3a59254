package io.tenantdb.benchmarks.cases;

import java.util.List;

import io.tenantdb.benchmarks.BenchCase;

/** Every case, in the order they run. */
public final class Cases {

    private Cases() {
    }

    /** @return the cases */
    public static List<BenchCase> all() {
        return List.of(
                new PgCases(),
                new RedisCases(),
                new TenantsCases(),
                new TenancyCases(),
                new MongoCases(),
                new SearchCases(),
                new ClickHouseCases(),
                new OperatorsCases(),
                new ObservabilityCases(),
                new Skipped());
    }
}
