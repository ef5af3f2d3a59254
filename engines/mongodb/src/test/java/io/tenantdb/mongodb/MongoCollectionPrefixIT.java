package io.tenantdb.mongodb;

import com.mongodb.reactivestreams.client.MongoDatabase;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** SCHEMA_PER_TENANT: a collection-name prefix per tenant in a shared database. */
class MongoCollectionPrefixIT extends AbstractMongoIT {

    @Override
    IsolationStrategy strategy() {
        return IsolationStrategy.SCHEMA_PER_TENANT;
    }

    @Override
    String tag() {
        return "pfx";
    }

    @Test
    void aTenantCannotNameAnotherTenantsCollectionThroughItsPrefix() {
        TenantId ab = TenantId.of(a.value() + "_b");
        try {
            block(ab, docs.insert("users", doc("who", "a_b")));
            // tenant_pfx_a_ + b_users would be tenant_pfx_a_b_users: the '-' separator keeps them apart
            assertThat(block(a, docs.count("b_users", doc()))).isZero();
            assertThat(list(a, docs.aggregate("tracks", java.util.List.of(doc("$lookup",
                    doc("from", "b_users", "pipeline", java.util.List.of(), "as", "x")))))).isEmpty();
        } finally {
            db.deprovision(ab).block(WAIT);
        }
        assertThat(block(a, docs.count("b_users", doc()))).isZero();
    }

    @Test
    void nativeDatabaseIsRefusedForSharedStrategies() {
        StepVerifier.create(as(a, docs.withNative(MongoDatabase.class, d -> Flux.just(d.getName()))))
                .expectErrorSatisfies(e -> assertThat(e).isInstanceOf(UnsupportedFeatureException.class)
                        .hasMessageContaining("native_on_shared"))
                .verify(WAIT);
    }
}
