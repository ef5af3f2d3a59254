package io.tenantdb.observability;

import io.tenantdb.core.DatabaseType;
import io.tenantdb.core.spi.Engine;
import io.tenantdb.core.spi.EngineContext;
import io.tenantdb.core.spi.EngineProvider;
import io.tenantdb.core.spi.Health;

import java.io.IOException;
import java.net.URL;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Set;

/**
 * Serves {@link FakeEngine}s to a {@link io.tenantdb.core.TenantDb} built with {@link #loader()}, which
 * shows the ServiceLoader only this provider (real engines may be on the test class path for the ITs).
 */
public final class FakeEngineProvider implements EngineProvider {

    /** The engine the last {@code create} made. */
    static volatile FakeEngine last;

    @Override
    public Set<DatabaseType> types() {
        return Set.of(DatabaseType.REDIS);
    }

    @Override
    public Engine create(EngineContext context) {
        FakeEngine engine = new FakeEngine(context.type(), Health.Status.UP);
        last = engine;
        return engine;
    }

    /** @return a class loader whose only engine provider is this one */
    static ClassLoader loader() {
        ClassLoader app = FakeEngineProvider.class.getClassLoader();
        return new ClassLoader(app) {
            @Override
            public Enumeration<URL> getResources(String name) throws IOException {
                if (name.equals("META-INF/services/" + EngineProvider.class.getName())) {
                    return Collections.enumeration(Collections.list(app.getResources("fake-engine/" + name)));
                }
                return super.getResources(name);
            }
        };
    }
}
