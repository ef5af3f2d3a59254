package io.tenantdb.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

import java.lang.reflect.Executable;
import java.lang.reflect.Parameter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Lets a test declare the real servers it needs as parameters:
 * <ul>
 *   <li>{@code @Server(ServerKind.X) ServerEndpoint} — the {@link TestServers} endpoint of that kind;</li>
 *   <li>{@link ScratchDatabase} — a fresh database and role on {@link TestServers#postgresql()}, dropped
 *       when the scope it was resolved for ends (the test method, or the class for {@code @BeforeAll}
 *       parameters); one per parameter.</li>
 * </ul>
 * Test methods, lifecycle methods and constructors may take them.
 * <pre>{@code
 * @ExtendWith(TestServersExtension.class)
 * class SchemaPerTenantIT {
 *     @Test
 *     void isolates(ScratchDatabase db, @Server(ServerKind.REDIS) ServerEndpoint redis) { ... }
 * }
 * }</pre>
 * Before a test class runs, every server its parameters ask for is found or started; when one is
 * unavailable the class is skipped with how to start it, or fails under {@code CI=true}.
 */
public final class TestServersExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(TestServersExtension.class);
    private static final Duration CREATE_TIMEOUT = Duration.ofMinutes(1);

    /** Created by JUnit. */
    public TestServersExtension() {
    }

    /**
     * Finds or starts every server the class's parameters ask for, so that an unavailable one skips
     * (or, under CI, fails) the class: an exception while resolving a parameter would always fail it.
     */
    @Override
    public void beforeAll(ExtensionContext context) {
        for (ServerKind kind : wanted(context.getRequiredTestClass())) {
            kind.endpoint();
        }
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == ScratchDatabase.class
                || type == ServerEndpoint.class && parameter.isAnnotated(Server.class);
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        if (parameter.getParameter().getType() == ScratchDatabase.class) {
            ScratchDatabase scratch = ScratchDatabase.create(TestServers.postgresql(), "it").block(CREATE_TIMEOUT);
            if (scratch == null) {
                throw new ParameterResolutionException("no scratch database was created");
            }
            // JUnit closes AutoCloseable store values when this context (method or class) ends
            context.getStore(NAMESPACE).put(scratch.name(), scratch);
            return scratch;
        }
        return parameter.findAnnotation(Server.class)
                .orElseThrow(() -> new ParameterResolutionException("@Server is missing"))
                .value()
                .endpoint();
    }

    static Set<ServerKind> wanted(Class<?> testClass) {
        Set<ServerKind> kinds = EnumSet.noneOf(ServerKind.class);
        List<Executable> executables = new ArrayList<>();
        for (Class<?> type = testClass; type != null && type != Object.class; type = type.getSuperclass()) {
            executables.addAll(List.of(type.getDeclaredConstructors()));
            executables.addAll(List.of(type.getDeclaredMethods()));
            for (Class<?> implemented : type.getInterfaces()) {
                executables.addAll(List.of(implemented.getMethods()));
            }
        }
        for (Executable executable : executables) {
            for (Parameter parameter : executable.getParameters()) {
                Server server = parameter.getAnnotation(Server.class);
                if (server != null) {
                    kinds.add(server.value());
                } else if (parameter.getType() == ScratchDatabase.class) {
                    kinds.add(ServerKind.POSTGRESQL);
                }
            }
        }
        return kinds;
    }
}
