package io.tenantdb.postgresql.internal;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import io.r2dbc.spi.Wrapped;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;

/**
 * A physical connection of an engine pool with the tenant binding it carries at session level
 * ({@code set_config(..., false)}), as far as the engine knows it.
 *
 * <p>Three states: {@link #NEUTRAL} (nothing bound: a new connection, or one reset by
 * {@code withNative}), bound to one tenant (a {@link Bound}), or unknown ({@code null}): after any
 * error, cancel, {@code withNative} work or statement that may change session state, and while a
 * binding statement is in flight. The engine re-binds before every tenant operation unless the
 * recorded binding is exactly the operation's, so an unknown or foreign binding is never used.
 */
final class TrackedConnection extends DelegatingConnection {

    /**
     * A session-level binding.
     *
     * @param tenant     the value of {@code app.tenant_id}
     * @param searchPath the value of {@code search_path}
     */
    record Bound(String tenant, String searchPath) {
    }

    /** Nothing bound: {@code app.tenant_id} unset or empty, {@code search_path} at its default. */
    static final Bound NEUTRAL = new Bound("", "");

    private volatile Bound binding = NEUTRAL;

    TrackedConnection(Connection delegate) {
        super(delegate);
    }

    /** @return the recorded binding, {@code null} when unknown */
    Bound binding() {
        return binding;
    }

    /** @param bound the binding now in effect (set only after the statement that made it succeeded) */
    void bound(Bound bound) {
        this.binding = bound;
    }

    /** Forgets the binding: the next tenant operation re-binds. */
    void forget() {
        this.binding = null;
    }

    /**
     * @param c a connection handed out by an engine pool (possibly wrapped by it)
     * @return the tracked physical connection under it, or {@code null} when there is none
     */
    @SuppressWarnings("unchecked")
    static TrackedConnection of(Connection c) {
        Connection at = c;
        for (int depth = 0; at != null && depth < 8; depth++) {
            if (at instanceof TrackedConnection) {
                return (TrackedConnection) at;
            }
            at = at instanceof Wrapped ? ((Wrapped<Connection>) at).unwrap() : null;
        }
        return null;
    }

    /** @param c a connection of an engine pool: its binding is forgotten (no-op for others) */
    static void forget(Connection c) {
        TrackedConnection t = of(c);
        if (t != null) {
            t.forget();
        }
    }

    /** @param delegate a pool's connection factory @return it, handing out tracked connections */
    static ConnectionFactory tracking(ConnectionFactory delegate) {
        return new ConnectionFactory() {
            @Override
            public Publisher<? extends Connection> create() {
                return Mono.from(delegate.create()).map(TrackedConnection::new);
            }

            @Override
            public ConnectionFactoryMetadata getMetadata() {
                return delegate.getMetadata();
            }
        };
    }
}
