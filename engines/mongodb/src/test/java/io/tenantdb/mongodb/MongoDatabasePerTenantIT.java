package io.tenantdb.mongodb;

import com.mongodb.reactivestreams.client.MongoDatabase;
import io.tenantdb.core.IsolationStrategy;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** DATABASE_PER_TENANT: each tenant has its own database. */
class MongoDatabasePerTenantIT extends AbstractMongoIT {

    @Override
    IsolationStrategy strategy() {
        return IsolationStrategy.DATABASE_PER_TENANT;
    }

    @Override
    String tag() {
        return "dbt";
    }

    @Test
    void nativeDatabaseIsTheTenantsOwn() {
        block(a, docs.insert("tracks", doc("t", 1)));
        List<String> names = list(a, docs.withNative(MongoDatabase.class, d -> Flux.just(d.getName())));
        assertThat(names).containsExactly("tenant_" + a.value());
        List<Long> counts = list(b, docs.withNative(MongoDatabase.class,
                d -> d.getCollection("tracks").countDocuments()));
        assertThat(counts).containsExactly(0L);
    }
}
