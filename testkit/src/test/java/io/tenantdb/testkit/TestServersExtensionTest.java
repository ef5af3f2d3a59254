package io.tenantdb.testkit;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TestServersExtensionTest {

    @Test
    void findsTheServersAClassAsksForInConstructorsAndMethods() {
        assertThat(TestServersExtension.wanted(Asking.class))
                .containsExactlyInAnyOrder(ServerKind.REDIS, ServerKind.MONGODB, ServerKind.POSTGRESQL);
    }

    @Test
    void findsTheServersAskedForInSuperclassesAndInterfaces() {
        assertThat(TestServersExtension.wanted(Inheriting.class))
                .containsExactlyInAnyOrder(ServerKind.REDIS, ServerKind.MONGODB, ServerKind.POSTGRESQL,
                        ServerKind.CLICKHOUSE);
    }

    @Test
    void aClassAskingForNothingStartsNothing() {
        assertThat(TestServersExtension.wanted(TestServersExtensionTest.class)).isEmpty();
    }

    @SuppressWarnings("unused")
    static class Asking {
        Asking(@Server(ServerKind.REDIS) ServerEndpoint redis) {
        }

        void test(@Server(ServerKind.MONGODB) ServerEndpoint mongodb, ServerEndpoint notAsked) {
        }

        void scratch(ScratchDatabase database) {
        }
    }

    interface Contract {
        @SuppressWarnings("unused")
        default void contract(@Server(ServerKind.CLICKHOUSE) ServerEndpoint clickhouse) {
        }
    }

    static class Inheriting extends Asking implements Contract {
        Inheriting() {
            super(null);
        }
    }
}
