package io.tenantdb.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import io.tenantdb.benchmarks.cases.Cases;
import io.tenantdb.benchmarks.internal.Bench;
import io.tenantdb.benchmarks.internal.Settings;

/**
 * Runs the benchmark cases and prints, per case, one line {@code ratio <id> <median> <min> <max>},
 * {@code ms <id> <p50> <p99>} or {@code skipped <id> <reason>}, then a markdown table.
 *
 * <p>Arguments: {@code --quick} (≤ 5 minutes, short trials), {@code --only id,id} (cases whose id starts with
 * one of these). Run it through {@code benchmarks/run}, which sets the JVM flags and Netty event-loop threads.
 */
public final class BenchMain {

    private BenchMain() {
    }

    /**
     * @param args {@code --quick}, {@code --only id,...}
     */
    public static void main(String[] args) {
        // both sides of every comparison share the default Reactor Netty loops: size them explicitly
        System.setProperty("reactor.netty.ioWorkerCount", System.getProperty("reactor.netty.ioWorkerCount", "2"));
        boolean quick = false;
        Set<String> only = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> quick = true;
                case "--only" -> only.addAll(Arrays.asList(args[++i].split(",")));
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + " (use --quick, --only id,id)");
            }
        }
        Settings settings = quick ? Settings.QUICK : Settings.FULL;
        Bench bench = new Bench(settings, System.out).only(only);
        System.out.println("# tenantdb benchmarks, " + (quick ? "quick" : "full") + " run: " + settings.pairs()
                + " interleaved pairs of " + settings.trial().toMillis() + " ms trials after " + settings.warmup().toMillis()
                + " to " + settings.maxWarmup().toMillis() + " ms of warm-up pairs (longer while the JIT is busy); " + Runtime.getRuntime().availableProcessors() + " CPUs, Java "
                + System.getProperty("java.version"));
        long start = System.nanoTime();
        for (BenchCase c : Cases.all()) {
            List<String> ids = c.ids();
            if (!only.isEmpty() && ids.stream().noneMatch(id -> only.stream().anyMatch(id::startsWith))) {
                continue;
            }
            try {
                c.run(bench);
            } catch (Throwable e) {
                String reason = "failed: " + String.valueOf(e).replace('\n', ' ');
                for (String id : new ArrayList<>(ids)) {
                    if (!bench.reported(id)) {
                        bench.skipped(id, reason);
                    }
                }
            }
        }
        System.out.println();
        System.out.print(bench.table());
        System.out.printf("%n# total %.0f s%n", (System.nanoTime() - start) / 1e9);
        System.exit(0);
    }
}
