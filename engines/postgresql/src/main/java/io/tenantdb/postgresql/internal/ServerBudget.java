package io.tenantdb.postgresql.internal;

import io.r2dbc.spi.Connection;
import io.r2dbc.spi.ConnectionFactory;
import io.r2dbc.spi.ConnectionFactoryMetadata;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Mono;
import reactor.core.publisher.MonoSink;

import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The global connection budget of one server ({@code postgresql.connection_budget}): every physical
 * connection any pool of the engine opens to that server takes a permit, given back when the
 * connection closes. When none is left, opening waits (without blocking a thread) and the registry
 * is asked to close an idle pool (LRU) to free permits; the pool's acquire timeout bounds the wait.
 * Keep the budget below the server's {@code max_connections} minus other clients.
 */
final class ServerBudget {

    private final String server;
    private final int limit;
    private final Runnable reclaim;
    private final ArrayDeque<MonoSink<Void>> waiters = new ArrayDeque<>();
    private int open;

    /**
     * @param server  host:port, for messages
     * @param limit   permits
     * @param reclaim asks for an idle pool of this server to be closed
     */
    ServerBudget(String server, int limit, Runnable reclaim) {
        this.server = server;
        this.limit = limit;
        this.reclaim = reclaim;
    }

    /** @return completes when a permit is held */
    Mono<Void> acquire() {
        return Mono.create(sink -> {
            boolean granted;
            synchronized (this) {
                granted = open < limit;
                if (granted) {
                    open++;
                } else {
                    waiters.add(sink);
                }
            }
            if (granted) {
                sink.success();
                return;
            }
            sink.onCancel(() -> {
                boolean removed;
                synchronized (this) {
                    removed = waiters.remove(sink);
                }
                if (!removed) {
                    // handed a permit just as it was cancelled: give it on
                    release();
                }
            });
            reclaim.run();
        });
    }

    /** Gives a permit back, to the oldest waiter if any. */
    void release() {
        MonoSink<Void> next;
        synchronized (this) {
            next = waiters.poll();
            if (next == null) {
                open--;
            }
        }
        if (next != null) {
            next.success();
        }
    }

    /** @return whether someone waits for a permit */
    synchronized boolean hasWaiters() {
        return !waiters.isEmpty();
    }

    /** @return open connections counted */
    synchronized int open() {
        return open;
    }

    @Override
    public String toString() {
        return "budget of " + server + ": " + open() + "/" + limit;
    }

    /** @param delegate a pool's connection factory @return it, under this budget */
    ConnectionFactory wrap(ConnectionFactory delegate) {
        return new ConnectionFactory() {
            @Override
            public Publisher<? extends Connection> create() {
                return Mono.defer(() -> {
                    AtomicBoolean permit = new AtomicBoolean();
                    AtomicBoolean delivered = new AtomicBoolean();
                    return acquire()
                            .doOnSuccess(v -> permit.set(true))
                            .then(Mono.from(delegate.create()))
                            .map(c -> {
                                delivered.set(true);
                                return (Connection) new Budgeted(c);
                            })
                            .doFinally(s -> {
                                if (permit.get() && !delivered.get()) {
                                    release();
                                }
                            });
                });
            }

            @Override
            public ConnectionFactoryMetadata getMetadata() {
                return delegate.getMetadata();
            }
        };
    }

    /** A physical connection holding a permit until closed. */
    private final class Budgeted extends DelegatingConnection {
        private final AtomicBoolean released = new AtomicBoolean();

        Budgeted(Connection delegate) {
            super(delegate);
        }

        @Override
        public Publisher<Void> close() {
            return Mono.from(super.close()).doFinally(s -> {
                if (released.compareAndSet(false, true)) {
                    release();
                }
            });
        }
    }
}
