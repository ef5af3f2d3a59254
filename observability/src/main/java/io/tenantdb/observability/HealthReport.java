package io.tenantdb.observability;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.spi.Health;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The health of every node of every engine at one moment, summed up.
 *
 * <p>An engine is UP when every node is up, DOWN when it has no node up (or its check failed or
 * timed out), DEGRADED otherwise (some node down or degraded, or no node reported). The report is
 * DOWN when any engine is DOWN, DEGRADED when any is DEGRADED, else UP. {@link #reasons()} says why
 * in words, one line per node that is not up.
 *
 * @param status    the overall status
 * @param checkedAt when the check finished
 * @param engines   the status of each engine checked
 * @param nodes     every node's health as reported
 * @param reasons   why the status is not UP (empty when UP)
 */
public record HealthReport(Health.Status status, Instant checkedAt, Map<DatabaseType, Health.Status> engines,
                           List<Health> nodes, List<String> reasons) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Copies the collections. */
    public HealthReport {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(checkedAt, "checkedAt");
        Map<DatabaseType, Health.Status> copy = new EnumMap<>(DatabaseType.class);
        copy.putAll(engines);
        engines = Collections.unmodifiableMap(copy);
        nodes = List.copyOf(nodes);
        reasons = List.copyOf(reasons);
    }

    /**
     * Sums up node healths.
     *
     * @param engines   the engines that were checked (an engine with no node reported is DEGRADED)
     * @param nodes     the nodes' health
     * @param checkedAt when
     * @return the report
     */
    public static HealthReport of(List<DatabaseType> engines, List<Health> nodes, Instant checkedAt) {
        Map<DatabaseType, Health.Status> byEngine = new EnumMap<>(DatabaseType.class);
        List<String> reasons = new ArrayList<>();
        for (DatabaseType engine : engines) {
            int up = 0;
            int total = 0;
            boolean degraded = false;
            for (Health h : nodes) {
                if (h.engine() != engine) {
                    continue;
                }
                total++;
                if (h.status() == Health.Status.UP) {
                    up++;
                } else {
                    degraded = true;
                    reasons.add(engine.id() + " " + h.node() + " " + h.status().name().toLowerCase(java.util.Locale.ROOT)
                            + ": " + h.detail());
                }
            }
            Health.Status s;
            if (total == 0) {
                s = Health.Status.DEGRADED;
                reasons.add(engine.id() + ": no node reported its health");
            } else if (up == 0 && nodes.stream().noneMatch(h -> h.engine() == engine && h.status() == Health.Status.DEGRADED)) {
                s = Health.Status.DOWN;
            } else {
                s = degraded ? Health.Status.DEGRADED : Health.Status.UP;
            }
            byEngine.put(engine, s);
        }
        Health.Status overall = byEngine.containsValue(Health.Status.DOWN) ? Health.Status.DOWN
                : byEngine.containsValue(Health.Status.DEGRADED) ? Health.Status.DEGRADED : Health.Status.UP;
        return new HealthReport(overall, checkedAt, byEngine, nodes, reasons);
    }

    /** @return whether the service can serve (UP or DEGRADED) */
    public boolean isServing() {
        return status != Health.Status.DOWN;
    }

    /**
     * @return the report as JSON:
     *     {@code {"status":"UP","checkedAt":"...","reasons":[...],"engines":{"redis":{"status":"UP","nodes":[...]}}}}
     */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("status", status.name());
        root.put("checkedAt", checkedAt.toString());
        ArrayNode why = root.putArray("reasons");
        reasons.forEach(why::add);
        ObjectNode eng = root.putObject("engines");
        for (Map.Entry<DatabaseType, Health.Status> e : engines.entrySet()) {
            ObjectNode en = eng.putObject(e.getKey().id());
            en.put("status", e.getValue().name());
            ArrayNode arr = en.putArray("nodes");
            for (Health h : nodes) {
                if (h.engine() == e.getKey()) {
                    ObjectNode n = arr.addObject();
                    n.put("node", h.node());
                    n.put("status", h.status().name());
                    n.put("latencyMs", h.latency().toMillis());
                    n.put("detail", h.detail());
                }
            }
        }
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write health JSON", e);
        }
    }
}
