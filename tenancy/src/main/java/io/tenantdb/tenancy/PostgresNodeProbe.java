package io.tenantdb.tenancy;

import io.r2dbc.postgresql.PostgresqlConnectionConfiguration;
import io.r2dbc.postgresql.PostgresqlConnectionFactory;
import io.r2dbc.spi.Connection;
import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.config.ConnectionConfig;
import io.tenantdb.core.config.DatabaseConfig;
import io.tenantdb.core.config.NodeAddress;
import io.tenantdb.core.config.Secret;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Probes a PostgreSQL (or TimescaleDB) node on a fresh connection with
 * {@code SELECT pg_is_in_recovery()}: false → {@link NodeProbe.Status#PRIMARY}, true →
 * {@link NodeProbe.Status#REPLICA}, no answer → {@link NodeProbe.Status#DOWN}. Connects with the
 * engine's configured database, user and password; needs {@code r2dbc-postgresql} on the class path
 * (the PostgreSQL engine brings it).
 */
public final class PostgresNodeProbe implements NodeProbe {

    private final Map<String, PostgresqlConnectionFactory> factories = new ConcurrentHashMap<>();

    @Override
    public Mono<Status> probe(DatabaseType engine, NodeAddress node, DatabaseConfig config) {
        if (engine != DatabaseType.POSTGRESQL && engine != DatabaseType.TIMESCALEDB) {
            return Mono.just(Status.UP);
        }
        PostgresqlConnectionFactory factory = factories.computeIfAbsent(engine.id() + "@" + node.host() + ":" + node.port(),
                k -> factory(node, config.connection()));
        return Flux.usingWhen(factory.create(),
                        c -> Flux.from(c.createStatement("SELECT pg_is_in_recovery()").execute())
                                .concatMap(r -> r.map((row, md) -> Boolean.TRUE.equals(row.get(0, Boolean.class)))),
                        Connection::close, (c, e) -> c.close(), Connection::close)
                .next()
                .map(inRecovery -> inRecovery ? Status.REPLICA : Status.PRIMARY)
                .onErrorReturn(Status.DOWN)
                .defaultIfEmpty(Status.DOWN);
    }

    private static PostgresqlConnectionFactory factory(NodeAddress node, ConnectionConfig cc) {
        PostgresqlConnectionConfiguration.Builder b = PostgresqlConnectionConfiguration.builder()
                .host(node.host()).port(node.port())
                .database(cc.database() == null ? "postgres" : cc.database())
                .username(cc.user())
                .connectTimeout(cc.connectTimeout())
                .applicationName("tenantdb-probe")
                .autodetectExtensions(false);
        Secret password = cc.password();
        if (!password.isNone()) {
            b.password(Mono.fromCallable(() -> (CharSequence) password.reveal()).subscribeOn(Schedulers.boundedElastic()));
        }
        return new PostgresqlConnectionFactory(b.build());
    }
}
