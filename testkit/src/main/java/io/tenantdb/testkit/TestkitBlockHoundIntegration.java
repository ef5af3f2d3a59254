package io.tenantdb.testkit;

import reactor.blockhound.BlockHound;
import reactor.blockhound.BlockingOperationError;
import reactor.blockhound.integration.BlockHoundIntegration;

/**
 * Tells BlockHound (installed in every test JVM by blockhound-junit-platform) which blocking calls
 * belong to the test servers rather than to the code under test, and nothing else: tenantdb code
 * blocking on a reactor or Netty thread still fails the test. Registered in
 * {@code META-INF/services/reactor.blockhound.integration.BlockHoundIntegration}.
 * <p>Allowed:
 * <ul>
 *   <li>{@code TestServers} finding or starting a server (a TCP probe, unpacking and starting
 *       embedded binaries, binding the in-process MongoDB server), so a test may ask for a server
 *       lazily, even from inside a reactive pipeline;</li>
 *   <li>the in-process MongoDB server handling a request or connection (mongo-java-server's
 *       {@code MongoDatabaseHandler}: its backend takes monitors and draws {@code SecureRandom}
 *       ids). Its event loops run on plain threads today, which BlockHound does not check; this
 *       keeps it so should they become Netty {@code FastThreadLocalThread}s;</li>
 *   <li>the MongoDB reactive driver's short lock around its cluster state
 *       ({@code BaseCluster.withLock}), which server selection takes on the subscribing thread and
 *       which contends whenever several operations start at once. It is not an I/O wait: the driver
 *       selects servers asynchronously;</li>
 *   <li>likewise the short lock of its connection pool's asynchronous work queue
 *       ({@code DefaultConnectionPool$AsyncWorkManager.enqueue}), contended when two operations ask
 *       for a connection at once (a change stream opening while an insert starts);</li>
 *   <li>Jackson's short lock while it builds and caches a deserializer the first time a type is
 *       read ({@code DeserializerCache._createAndCacheValueDeserializer}, a {@code ReentrantLock}
 *       since 2.17), contended when two event loops decode the same type for the first time at
 *       once. Once built, reading takes no lock.</li>
 *   <li>cancelling a periodic Reactor task ({@code Flux.interval} on the parallel scheduler) from
 *       an event loop: {@code PeriodicWorkerTask}, {@code InstantPeriodicWorkerTask} and
 *       {@code PeriodicSchedulerTask.dispose} remove the task from the
 *       {@code ScheduledThreadPoolExecutor}'s queue under its short lock, contended when the
 *       scheduler thread polls the queue at that moment. Reactor's own integration allows exactly
 *       this for the one-shot {@code SchedulerTask} and {@code WorkerTask}, not yet for these.</li>
 *   <li>Netty loading its native transport library ({@code NativeLibraryLoader.load}: reads the
 *       {@code .so} out of its jar once per JVM, during class initialisation), which happens on
 *       whichever thread opens the first connection, e.g. a health check on the parallel
 *       scheduler.</li>
 * </ul>
 */
public final class TestkitBlockHoundIntegration implements BlockHoundIntegration {

    /** Created by BlockHound's {@link java.util.ServiceLoader}. */
    public TestkitBlockHoundIntegration() {
    }

    @Override
    public void applyTo(BlockHound.Builder builder) {
        builder.allowBlockingCallsInside(TestServers.class.getName(), "once");
        String mongoHandler = "de.bwaldvogel.mongo.wire.MongoDatabaseHandler";
        builder.allowBlockingCallsInside(mongoHandler, "channelRead0");
        builder.allowBlockingCallsInside(mongoHandler, "channelActive");
        builder.allowBlockingCallsInside(mongoHandler, "channelInactive");
        builder.allowBlockingCallsInside("com.mongodb.internal.connection.BaseCluster", "withLock");
        builder.allowBlockingCallsInside("com.mongodb.internal.connection.DefaultConnectionPool$AsyncWorkManager", "enqueue");
        builder.allowBlockingCallsInside("com.fasterxml.jackson.databind.deser.DeserializerCache",
                "_createAndCacheValueDeserializer");
        // Reactor allows SchedulerTask.dispose and WorkerTask.dispose; their periodic siblings take
        // the same executor queue lock when cancelled
        builder.allowBlockingCallsInside("reactor.core.scheduler.PeriodicWorkerTask", "dispose");
        builder.allowBlockingCallsInside("reactor.core.scheduler.InstantPeriodicWorkerTask", "dispose");
        builder.allowBlockingCallsInside("reactor.core.scheduler.PeriodicSchedulerTask", "dispose");
        builder.allowBlockingCallsInside("io.netty.util.internal.NativeLibraryLoader", "load");
        // A driver may swallow the error inside its Netty pipeline (the symptom is then a timeout
        // far away); print where the blocking call came from before failing, so it can be found.
        builder.blockingMethodCallback(method -> {
            BlockingOperationError error = new BlockingOperationError(method);
            System.err.println("BlockHound: blocking call " + method + " on " + Thread.currentThread().getName());
            error.printStackTrace();
            throw error;
        });
    }
}
