/**
 * Real servers for tenantdb's tests, local or embedded, and the engine TCK ({@code tck}). A test-scope
 * dependency only.
 * <p>An integration test declares what it needs and gets it found or started once per JVM:
 * <pre>{@code
 * @ExtendWith(TestServersExtension.class)
 * class SchemaPerTenantIT {
 *     @Test
 *     void isolates(ScratchDatabase db,                                   // fresh database + role, dropped after
 *                   @Server(ServerKind.REDIS) ServerEndpoint redis) {    // 127.0.0.1:6379 or embedded
 *         ...
 *     }
 * }
 * }</pre>
 * <ul>
 *   <li>{@link io.tenantdb.testkit.TestServers} — the servers: PostgreSQL and Redis (local, else embedded
 *       binaries; {@code -Dtenantdb.testkit.postgresql=embedded} forces embedded), MongoDB (in-process,
 *       or {@code TENANTDB_TEST_MONGODB_URI}), ClickHouse (local). Unavailable: skipped, or failed
 *       under {@code CI=true}, with how to start it.</li>
 *   <li>{@link io.tenantdb.testkit.TestServersExtension}, {@link io.tenantdb.testkit.Server},
 *       {@link io.tenantdb.testkit.ServerKind} — parameter injection for JUnit 5.</li>
 *   <li>{@link io.tenantdb.testkit.ScratchDatabase} — a fresh PostgreSQL database and role per test.</li>
 *   <li>{@link io.tenantdb.testkit.TestkitBlockHoundIntegration} — lets BlockHound tolerate the test
 *       servers' own blocking, and only that.</li>
 * </ul>
 */
package io.tenantdb.testkit;
