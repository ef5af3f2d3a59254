package io.tenantdb.mongodb;

import com.mongodb.client.model.IndexOptions;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.exception.IsolationViolationException;
import org.junit.jupiter.api.Test;
import reactor.test.StepVerifier;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** ROW_LEVEL_SECURITY: shared collections, a tenantId field injected everywhere. */
class MongoRowLevelIT extends AbstractMongoIT {

    @Override
    IsolationStrategy strategy() {
        return IsolationStrategy.ROW_LEVEL_SECURITY;
    }

    @Override
    String tag() {
        return "rls";
    }

    @Test
    void callersCannotSetOrChangeTheTenantField() {
        Object id = block(a, docs.insert("tracks", doc("title", "mine")));
        List<Runnable> attempts = List.of(
                () -> block(a, docs.insert("tracks", doc("title", "x", "tenantId", b.value()))),
                () -> block(a, docs.insert("tracks", doc("nested", doc("tenantId", b.value())))),
                () -> block(a, docs.updateMany("tracks", doc(), doc("$set", doc("tenantId", b.value())), false)),
                () -> block(a, docs.updateOne("tracks", doc(), doc("$rename", doc("title", "tenantId")), false)),
                () -> block(a, docs.updateOne("tracks", doc(), doc("$unset", doc("tenantId", "")), false)),
                () -> block(a, docs.replaceOne("tracks", doc("_id", id), doc("tenantId", b.value()), false)),
                () -> block(a, docs.findOneAndUpdate("tracks", doc(), doc("$set", doc("tenantId.x", 1)), false, true)),
                () -> block(a, docs.find("tracks", doc("$or", List.of(doc("tenantId", b.value()), doc("x", 1)))).then()),
                () -> block(a, docs.count("tracks", doc("tenantId", doc("$ne", a.value())))),
                () -> block(a, docs.aggregate("tracks", List.of(doc("$match", doc("tenantId", b.value())))).then()),
                () -> block(a, docs.createIndex("tracks", doc("tenantId", 1), null)));
        for (Runnable attempt : attempts) {
            org.assertj.core.api.Assertions.assertThatThrownBy(attempt::run)
                    .isInstanceOf(IsolationViolationException.class).hasMessageContaining("tenantId");
        }
        assertThat(block(a, docs.count("tracks", doc()))).isEqualTo(1);
        assertThat(block(b, docs.count("tracks", doc()))).isZero();
    }

    @Test
    void indexesLeadWithTheTenantField() {
        assertThat(block(a, docs.createIndex("users", doc("email", 1), new IndexOptions().unique(true))))
                .isEqualTo("tenantId_1_email_1");
    }

    @Test
    void stagesThatSeeTheWholeSharedCollectionAreRefused() {
        for (String stage : List.of("$out", "$merge", "$collStats", "$currentOp")) {
            StepVerifier.create(as(a, docs.aggregate("tracks", List.of(doc(stage, "elsewhere")))))
                    .expectError(IsolationViolationException.class).verify(WAIT);
        }
    }
}
