package io.tenantdb.observability.internal;

import io.tenantdb.core.TenantId;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * Decides the tenant tag of an operation: the tenant's own id while it is among the top-N tenants
 * by traffic, else {@code other}. Traffic is counted with a Space-Saving sketch (Metwally et al.)
 * of fixed capacity, so memory stays bounded however many tenants there are; counts are halved
 * every {@code decayEvery} operations so the top-N follows shifting traffic.
 *
 * <p>A tenant is promoted once its guaranteed count (estimate minus error) beats the weakest tagged
 * tenant's estimate by 10 % (hysteresis, so tags do not flap); the weakest is then demoted and the
 * demotion callback removes its meters. Thread-safe: one short critical section per operation
 * until the sketch is full and every tag taken; from then on one operation in
 * {@value #SAMPLE_EVERY}, chosen at random, is counted with that weight (an unbiased estimate of
 * each tenant's traffic) and the others read the published tags without the lock.
 */
public final class TenantTagger {

    /** The tag of every tenant outside the top-N. */
    public static final String OTHER = "other";
    /**
     * Once the sketch is full and every tag taken, one operation in this many is counted (with this
     * weight): with many tenants nearly every operation would otherwise replace a sketch entry under
     * the lock.
     */
    static final int SAMPLE_EVERY = 8;

    private final int topN;
    private final int capacity;
    private final long decayEvery;
    private final Consumer<String> onDemote;

    private final Map<TenantId, Entry> entries = new HashMap<>();
    private final TreeSet<Entry> byCount = new TreeSet<>(Comparator.comparingLong((Entry e) -> e.count)
            .thenComparingLong(e -> e.seq));
    private final Set<TenantId> tagged = new HashSet<>();
    private volatile Set<String> taggedView = Set.of();
    private long seq;
    private long offers;
    private long nextDecay;
    /** Sketch full and every tag taken: from then on one operation in {@link #SAMPLE_EVERY} is counted. */
    private volatile boolean saturated;
    private long weakestCount;

    /**
     * @param topN       tenants that keep their own tag, &gt;= 0
     * @param capacity   sketch capacity, &gt;= topN (a few times topN gives good accuracy)
     * @param decayEvery halve counts after this many operations, &gt; 0
     * @param onDemote   called (outside the lock) with the tag value of a demoted tenant
     */
    public TenantTagger(int topN, int capacity, long decayEvery, Consumer<String> onDemote) {
        if (topN < 0) {
            throw new IllegalArgumentException("topN must be >= 0");
        }
        if (capacity < Math.max(1, topN)) {
            throw new IllegalArgumentException("capacity must be >= topN and > 0");
        }
        if (decayEvery <= 0) {
            throw new IllegalArgumentException("decayEvery must be > 0");
        }
        this.topN = topN;
        this.capacity = capacity;
        this.decayEvery = decayEvery;
        this.onDemote = onDemote;
        this.nextDecay = decayEvery;
    }

    /**
     * Counts one operation of {@code tenant} and returns its tag.
     *
     * @param tenant the tenant
     * @return the tenant's id when it is in the top-N, else {@link #OTHER}
     */
    public String record(TenantId tenant) {
        if (saturated && ThreadLocalRandom.current().nextInt(SAMPLE_EVERY) != 0) {
            // the sketch is full and every tag taken: count one operation in SAMPLE_EVERY, with
            // that weight, and answer the others from the published tags without the lock
            return tagOf(tenant);
        }
        TenantId demoted = null;
        String tag;
        synchronized (this) {
            long weight = saturated ? SAMPLE_EVERY : 1;
            Entry e = offer(tenant, weight);
            if (tagged.contains(tenant)) {
                tag = tenant.value();
            } else if (tagged.size() < topN) {
                tagged.add(tenant);
                publishView();
                tag = tenant.value();
            } else if (topN > 0 && e.count - e.error > weakestCount) {
                TenantId weakest = weakest();
                long need = weakestCount + Math.max(1, weakestCount / 10);
                if (weakest != null && e.count - e.error > need) {
                    tagged.remove(weakest);
                    tagged.add(tenant);
                    publishView();
                    demoted = weakest;
                    weakest();
                    tag = tenant.value();
                } else {
                    tag = OTHER;
                }
            } else {
                tag = OTHER;
            }
            offers += weight;
            if (offers >= nextDecay) {
                nextDecay = offers + decayEvery;
                decay();
            }
            saturated = topN > 0 && entries.size() >= capacity && tagged.size() >= topN;
        }
        if (demoted != null && onDemote != null) {
            onDemote.accept(demoted.value());
        }
        return tag;
    }

    /**
     * @param tenant a tenant
     * @return its tag now, without counting an operation
     */
    public String tagOf(TenantId tenant) {
        return taggedView.contains(tenant.value()) ? tenant.value() : OTHER;
    }

    /** @return the tenants holding their own tag now */
    public Set<String> tagged() {
        return taggedView;
    }

    /** @return the number of tenants the sketch counts now (at most its capacity) */
    public synchronized int sketchSize() {
        return entries.size();
    }

    /** @return the sketch capacity */
    public int capacity() {
        return capacity;
    }

    /**
     * @param tenant a tenant
     * @return the sketch's estimate of its operations (an over-estimate by at most its error), 0 when not counted
     */
    public synchronized long estimate(TenantId tenant) {
        Entry e = entries.get(tenant);
        return e == null ? 0 : e.count;
    }

    private Entry offer(TenantId tenant, long weight) {
        Entry e = entries.get(tenant);
        if (e != null) {
            byCount.remove(e);
            e.count += weight;
            e.seq = ++seq;
            byCount.add(e);
            return e;
        }
        long base = 0;
        if (entries.size() >= capacity) {
            Entry min = byCount.pollFirst();
            entries.remove(min.tenant);
            base = min.count;
        }
        e = new Entry(tenant, base + weight, base, ++seq);
        entries.put(tenant, e);
        byCount.add(e);
        return e;
    }

    /** Finds the tagged tenant with the lowest estimate and caches its count. */
    private TenantId weakest() {
        TenantId weakest = null;
        long min = Long.MAX_VALUE;
        for (TenantId t : tagged) {
            Entry e = entries.get(t);
            long c = e == null ? 0 : e.count;
            if (c < min) {
                min = c;
                weakest = t;
            }
        }
        weakestCount = weakest == null ? 0 : min;
        return weakest;
    }

    private void decay() {
        List<Entry> all = new ArrayList<>(byCount);
        byCount.clear();
        for (Entry e : all) {
            e.count = Math.max(1, e.count / 2);
            e.error = e.error / 2;
            byCount.add(e);
        }
        weakest();
    }

    private void publishView() {
        Set<String> view = new HashSet<>();
        for (TenantId t : tagged) {
            view.add(t.value());
        }
        taggedView = Set.copyOf(view);
    }

    private static final class Entry {
        final TenantId tenant;
        long count;
        long error;
        long seq;

        Entry(TenantId tenant, long count, long error, long seq) {
            this.tenant = tenant;
            this.count = count;
            this.error = error;
            this.seq = seq;
        }
    }
}
