package io.tenantdb.benchmarks.internal;

import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Supplier;

import org.HdrHistogram.Histogram;

/**
 * Runs comparisons and collects their results. Each comparison warms both sides, then runs
 * {@link Settings#pairs()} pairs of trials, alternating which side goes first (A/B, B/A, ...) so a slow
 * drift of the shared machine does not favour one side; the figure is the median of the per-pair ratios
 * tenantdb ÷ baseline, with their min and max. Absolute throughput and p50/p99 latencies are printed as
 * context only.
 */
public final class Bench {

    private final Settings settings;
    private final PrintStream out;
    private final List<String> table = new ArrayList<>();
    private java.util.Set<String> only = java.util.Set.of();
    private final java.util.Set<String> reported = new java.util.HashSet<>();

    /**
     * @param settings durations and pair count
     * @param out      where lines go
     */
    public Bench(Settings settings, PrintStream out) {
        this.settings = settings;
        this.out = out;
    }

    /**
     * @param prefixes case ids (prefixes) to run; empty for every case
     * @return this
     */
    public Bench only(java.util.Set<String> prefixes) {
        this.only = java.util.Set.copyOf(prefixes);
        return this;
    }

    /**
     * @param id a case id
     * @return whether {@code --only} selects it (a case skips set-up of comparisons that are not selected)
     */
    public boolean selected(String id) {
        return only.isEmpty() || only.stream().anyMatch(id::startsWith);
    }

    /**
     * @param id a case id
     * @return whether a line was already printed for it
     */
    public boolean reported(String id) {
        return reported.contains(id);
    }

    /** @return durations and pair count */
    public Settings settings() {
        return settings;
    }

    /**
     * Compares two sides under the load harness, {@code inFlight} operations in flight on each.
     *
     * @param id       the case id
     * @param tenantdb the tenantdb side
     * @param baseline the baseline side
     * @param inFlight operations in flight
     * @param unit     what a unit is (ops, docs, rows), for the table
     */
    public void compare(String id, Side tenantdb, Side baseline, int inFlight, String unit) {
        if (!selected(id)) {
            return;
        }
        compare(id, tenantdb, baseline, unit, side -> LoadHarness.run(side.op(), side.unitsPerOp(), inFlight,
                settings.trial()), null);
    }

    /**
     * Compares two sides that complete synchronously (no I/O) under the micro loop; adds the
     * nanoseconds and bytes added per operation to the table.
     *
     * @param id       the case id
     * @param tenantdb with the code under test
     * @param baseline without it
     */
    public void compareMicro(String id, Side tenantdb, Side baseline) {
        if (!selected(id)) {
            return;
        }
        double[] bytes = new double[2];
        compare(id, tenantdb, baseline, "ops", side -> {
            MicroHarness.Result r = MicroHarness.run(side.op(), settings.trial());
            bytes[side == tenantdb ? 0 : 1] = r.bytesPerOp();
            return r.trial();
        }, () -> String.format(Locale.ROOT, "; %.0f vs %.0f B/op allocated", bytes[0], bytes[1]));
    }

    private void compare(String id, Side a, Side b, String unit, Function<Side, Trial> runner, Supplier<String> micro) {
        double warmed = runWarm(a, b, runner);
        int pairs = settings.pairs();
        double[] ratios = new double[pairs];
        double[] aRates = new double[pairs];
        double[] bRates = new double[pairs];
        double[] aNs = new double[pairs];
        double[] bNs = new double[pairs];
        double[] aCpu = new double[pairs];
        double[] bCpu = new double[pairs];
        Histogram aLat = new Histogram(3);
        Histogram bLat = new Histogram(3);
        for (int i = 0; i < pairs; i++) {
            Trial ta;
            Trial tb;
            if (i % 2 == 0) {
                ta = runner.apply(a);
                tb = runner.apply(b);
            } else {
                tb = runner.apply(b);
                ta = runner.apply(a);
            }
            ratios[i] = ta.perSecond() / tb.perSecond();
            aRates[i] = ta.perSecond();
            bRates[i] = tb.perSecond();
            aNs[i] = 1e9 / ta.perSecond();
            bNs[i] = 1e9 / tb.perSecond();
            aCpu[i] = ta.cpuMicrosPerUnit();
            bCpu[i] = tb.cpuMicrosPerUnit();
            aLat.add(ta.latencies());
            bLat.add(tb.latencies());
        }
        Stats r = Stats.of(ratios);
        String extra = micro == null ? ""
                : String.format(Locale.ROOT, "; +%.0f ns/op", Stats.of(aNs).median() - Stats.of(bNs).median()) + micro.get();
        extra += String.format(Locale.ROOT, "; warm-up %.0f s", warmed);
        if (!Double.isNaN(aCpu[0])) {
            // the client's CPU per unit on each side: the server's share of the 2 cores is what is left
            double ac = Stats.of(aCpu).median();
            double bc = Stats.of(bCpu).median();
            extra += String.format(Locale.ROOT, "; client CPU %.1f vs %.1f µs/%s", ac, bc, unit.endsWith("s")
                    ? unit.substring(0, unit.length() - 1) : unit);
            out.println(String.format(Locale.ROOT, "cpu %s %.2f %.2f", id, ac, bc));
        }
        reported.add(id);
        out.println(String.format(Locale.ROOT, "ratio %s %.3f %.3f %.3f", id, r.median(), r.min(), r.max()));
        table.add(String.format(Locale.ROOT, "| %s | %.3f | %.3f–%.3f | %s %s/s | %s %s/s | %s | %s | %s ÷ %s%s |",
                id, r.median(), r.min(), r.max(),
                human(Stats.of(aRates).median()), unit, human(Stats.of(bRates).median()), unit,
                latency(aLat, micro != null), latency(bLat, micro != null), a.name(), b.name(), extra));
        out.flush();
    }

    /**
     * Warms both sides for at least {@link Settings#warmup()}, then (full runs) goes on while the JIT
     * is still busy: a pair during which the compilers worked more than 2 % of its time is followed
     * by another, up to {@link Settings#maxWarmup()}. A new code path (a strategy's first case in
     * the JVM) takes its compiler a minute or more to settle; measured before that, its side pays
     * for the compilation in throughput and client CPU.
     */
    private double runWarm(Side a, Side b, Function<Side, Trial> runner) {
        long start = System.nanoTime();
        long min = start + settings.warmup().toNanos();
        long max = start + settings.maxWarmup().toNanos();
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean measurable = jit != null && jit.isCompilationTimeMonitoringSupported();
        for (;;) {
            long pairStart = System.nanoTime();
            long compiledBefore = measurable ? jit.getTotalCompilationTime() : 0;
            runner.apply(a);
            runner.apply(b);
            long now = System.nanoTime();
            if (now >= max) {
                return (now - start) / 1e9;
            }
            if (now < min) {
                continue;
            }
            long compiledMs = measurable ? jit.getTotalCompilationTime() - compiledBefore : 0;
            if (compiledMs * 1_000_000L * 50 <= now - pairStart) {
                return (now - start) / 1e9;
            }
        }
    }

    /**
     * Records a context ratio from one sample of each side (not interleaved), e.g. a raw driver against the
     * server's own benchmark tool.
     *
     * @param id    the case id
     * @param ratio the ratio
     * @param note  what the sides were
     */
    public void context(String id, double ratio, String note) {
        if (!selected(id)) {
            return;
        }
        reported.add(id);
        out.println(String.format(Locale.ROOT, "ratio %s %.3f %.3f %.3f", id, ratio, ratio, ratio));
        table.add(String.format(Locale.ROOT, "| %s | %.3f | (1 sample) | | | | | %s |", id, ratio, note));
        out.flush();
    }

    /**
     * Records an absolute figure.
     *
     * @param id  the case id
     * @param p50 median, milliseconds
     * @param p99 99th percentile, milliseconds
     * @param note what it is
     */
    public void ms(String id, double p50, double p99, String note) {
        reported.add(id);
        out.println(String.format(Locale.ROOT, "ms %s %.3f %.3f", id, p50, p99));
        table.add(String.format(Locale.ROOT, "| %s | p50 %.2f ms | p99 %.2f ms | | | | | %s |", id, p50, p99, note));
        out.flush();
    }

    /**
     * Records a case that cannot run here.
     *
     * @param id     the case id
     * @param reason why, and what delivers it
     */
    public void skipped(String id, String reason) {
        if (!selected(id)) {
            return;
        }
        reported.add(id);
        out.println("skipped " + id + " " + reason);
        table.add("| " + id + " | skipped | | | | | | " + reason + " |");
        out.flush();
    }

    /** @return the markdown table of everything run so far */
    public String table() {
        StringBuilder sb = new StringBuilder();
        sb.append("| case | ratio (median) | min–max | tenantdb | baseline | tenantdb p50/p99 | baseline p50/p99 | sides, note |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        table.forEach(row -> sb.append(row).append('\n'));
        return sb.toString();
    }

    private static String latency(Histogram h, boolean micro) {
        if (micro) {
            return String.format(Locale.ROOT, "%d/%d ns", h.getValueAtPercentile(50), h.getValueAtPercentile(99));
        }
        return String.format(Locale.ROOT, "%.2f/%.2f ms", h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6);
    }

    private static String human(double perSecond) {
        if (perSecond >= 1e6) {
            return String.format(Locale.ROOT, "%.2fM", perSecond / 1e6);
        }
        if (perSecond >= 1e3) {
            return String.format(Locale.ROOT, "%.1fk", perSecond / 1e3);
        }
        return String.format(Locale.ROOT, "%.1f", perSecond);
    }
}
