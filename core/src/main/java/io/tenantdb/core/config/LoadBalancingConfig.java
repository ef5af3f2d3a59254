package io.tenantdb.core.config;

import java.time.Duration;
import java.util.Objects;

/**
 * How requests spread over nodes: the YAML {@code load_balancing} section.
 *
 * @param strategy            {@code round_robin}, {@code least_connections} or {@code weighted_round_robin}
 * @param healthCheckInterval time between active health checks
 * @param failoverTimeout     longest time to find a new primary before writes fail
 */
public record LoadBalancingConfig(Strategy strategy, Duration healthCheckInterval, Duration failoverTimeout) {

    /** Round robin, checks every 10 s, 30 s failover. */
    public static final LoadBalancingConfig DEFAULT = new LoadBalancingConfig(Strategy.ROUND_ROBIN,
            Duration.ofSeconds(10), Duration.ofSeconds(30));

    /** Checks the values. */
    public LoadBalancingConfig {
        Objects.requireNonNull(strategy, "strategy");
        Objects.requireNonNull(healthCheckInterval, "healthCheckInterval");
        Objects.requireNonNull(failoverTimeout, "failoverTimeout");
    }

    /** Load-balancing strategies. */
    public enum Strategy {
        /** Each node in turn. */
        ROUND_ROBIN("round_robin"),
        /** The node with the fewest operations in flight. */
        LEAST_CONNECTIONS("least_connections"),
        /** Each node in turn, as often as its weight. */
        WEIGHTED_ROUND_ROBIN("weighted_round_robin");

        private final String id;

        Strategy(String id) {
            this.id = id;
        }

        /** @return the name used in configuration */
        public String id() {
            return id;
        }

        /**
         * @param id the configuration name
         * @return the strategy, or {@code null} when unknown
         */
        public static Strategy fromId(String id) {
            for (Strategy s : values()) {
                if (s.id.equals(id)) {
                    return s;
                }
            }
            return null;
        }
    }
}
