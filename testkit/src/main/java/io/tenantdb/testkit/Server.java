package io.tenantdb.testkit;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks {@link TestServersExtension} for a real server: put it on a {@link ServerEndpoint} parameter of a
 * test, lifecycle method or constructor.
 * <pre>{@code
 * @ExtendWith(TestServersExtension.class)
 * class RedisRoundTripIT {
 *     @Test
 *     void roundTrip(@Server(ServerKind.REDIS) ServerEndpoint redis) { ... }
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface Server {

    /** @return which server */
    ServerKind value();
}
