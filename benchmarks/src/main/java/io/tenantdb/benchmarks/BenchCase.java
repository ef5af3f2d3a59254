package io.tenantdb.benchmarks;

import io.tenantdb.benchmarks.internal.Bench;

/** One case, or a family of cases sharing set-up and baseline. */
public interface BenchCase {

    /** @return the case ids this class reports (for {@code --only}) */
    java.util.List<String> ids();

    /**
     * Sets up, runs each comparison through {@code bench}, and tears down.
     *
     * @param bench the harness
     * @throws Exception when set-up fails; reported as {@code skipped <id> failed: ...}
     */
    void run(Bench bench) throws Exception;
}
