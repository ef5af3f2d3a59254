package io.tenantdb.testkit.tck;

import io.tenantdb.core.TenantContext;
import io.tenantdb.core.TenantId;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import java.time.Duration;
import java.util.List;

/** Small helpers the TCK interfaces share. */
public final class TckSupport {

    /** How long any single TCK step may take before the test fails. */
    public static final Duration STEP = Duration.ofSeconds(60);

    private TckSupport() {
    }

    /**
     * Runs a {@code Mono} as a tenant and waits for it (tests only).
     *
     * @param tenant the tenant
     * @param mono   the operation
     * @param <T>    its type
     * @return its value, or {@code null} when empty
     */
    public static <T> T as(TenantId tenant, Mono<T> mono) {
        return mono.contextWrite(TenantContext.of(tenant)).block(STEP);
    }

    /**
     * Runs a {@code Flux} as a tenant and collects it (tests only).
     *
     * @param tenant the tenant
     * @param flux   the operation
     * @param <T>    element type
     * @return every element
     */
    public static <T> List<T> all(TenantId tenant, Flux<T> flux) {
        return flux.contextWrite(TenantContext.of(tenant)).collectList().block(STEP);
    }

    /**
     * @param value a number-like value as an engine returns it (Integer, Long, BigDecimal, String...)
     * @return it as a long
     */
    public static long asLong(Object value) {
        if (value instanceof Number) {
            return ((Number) value).longValue();
        }
        return Long.parseLong(String.valueOf(value));
    }
}
