package io.tenantdb.testkit;

import java.lang.reflect.InvocationTargetException;
import java.util.function.Supplier;

/** The servers {@link TestServers} hands out, for {@link Server @Server} parameters. */
public enum ServerKind {

    /** {@link TestServers#postgresql()} */
    POSTGRESQL(TestServers::postgresql),
    /** {@link TestServers#redis()} */
    REDIS(TestServers::redis),
    /** {@link TestServers#mongodb()} */
    MONGODB(TestServers::mongodb),
    /** {@link TestServers#clickhouse()} */
    CLICKHOUSE(TestServers::clickhouse),
    /**
     * {@code TestServers.opensearch()}: a node in a child JVM. Looked up by name because the
     * OpenSearch launcher lives in its own module and adds that method separately.
     */
    OPENSEARCH(() -> byName("opensearch"));

    private final Supplier<ServerEndpoint> endpoint;

    ServerKind(Supplier<ServerEndpoint> endpoint) {
        this.endpoint = endpoint;
    }

    /**
     * Finds or starts this server, once per JVM; blocks while it starts.
     *
     * @return its endpoint
     * @throws org.opentest4j.TestAbortedException when it is unavailable outside CI
     * @throws IllegalStateException               when it is unavailable under {@code CI=true}
     */
    public ServerEndpoint endpoint() {
        return endpoint.get();
    }

    private static ServerEndpoint byName(String method) {
        try {
            return (ServerEndpoint) TestServers.class.getMethod(method).invoke(null);
        } catch (NoSuchMethodException e) {
            return TestServers.unavailable(method, "this testkit has no TestServers." + method + "()");
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException(method + " did not start", e.getCause());
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
