package io.tenantdb.mongodb.internal;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.exception.DataAccessException;
import io.tenantdb.core.exception.IsolationViolationException;
import io.tenantdb.core.exception.UnsupportedFeatureException;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.tenantdb.mongodb.internal.ScopeFixtures.rowLevel;
import static io.tenantdb.mongodb.internal.ScopeFixtures.scope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TenantScopeTest {

    @Test
    void rowLevelInjectsTheTenantIntoFiltersDocumentsAndUpserts() {
        TenantScope s = rowLevel("acme");
        assertThat(s.filter(Map.of("a", 1))).isEqualTo(new Document("a", 1).append("tenantId", "acme"));
        assertThat(s.filter(null)).isEqualTo(new Document("tenantId", "acme"));
        assertThat(s.newDocument(Map.of("a", 1))).containsEntry("tenantId", "acme");
        assertThat(s.update(Map.of("$set", Map.of("a", 1)), false)).doesNotContainKey("$setOnInsert");
        assertThat(s.update(Map.of("$set", Map.of("a", 1), "$setOnInsert", Map.of("c", 2)), true).get("$setOnInsert"))
                .isEqualTo(new Document("c", 2).append("tenantId", "acme"));
    }

    @Test
    void otherStrategiesLeaveDocumentsAlone() {
        TenantScope s = scope(IsolationStrategy.SCHEMA_PER_TENANT, "acme", false);
        assertThat(s.filter(Map.of("tenantId", "x"))).isEqualTo(new Document("tenantId", "x"));
        assertThat(s.physical("collection", "orders")).isEqualTo("tenant_acme-orders");
    }

    @Test
    void theTenantFieldIsReservedEverywhereUnderRowLevel() {
        TenantScope s = rowLevel("acme");
        List<Runnable> attempts = List.of(
                () -> s.filter(Map.of("$or", List.of(Map.of("tenantId", "other")))),
                () -> s.filter(Map.of("tenantId.x", 1)),
                () -> s.newDocument(Map.of("deep", List.of(Map.of("tenantId", "x")))),
                () -> s.update(Map.of("$set", Map.of("tenantId", "x")), false),
                () -> s.update(Map.of("$rename", Map.of("a", "tenantId")), false),
                () -> s.update(Map.of("$setOnInsert", Map.of("tenantId", "x")), true),
                () -> s.indexKeys(Map.of("tenantId", 1), null));
        for (Runnable attempt : attempts) {
            assertThatThrownBy(attempt::run).isInstanceOf(IsolationViolationException.class)
                    .hasMessageContaining("tenant=acme").hasMessageContaining("tenantId");
        }
    }

    @Test
    void indexesLeadWithTheTenantFieldExceptSingleFieldTtl() {
        TenantScope s = rowLevel("acme");
        assertThat(s.indexKeys(new Document("email", 1), new IndexOptions().unique(true)).keySet())
                .containsExactly("tenantId", "email");
        assertThat(s.indexKeys(new Document("body", "text"), null).keySet()).containsExactly("tenantId", "body");
        assertThat(s.indexKeys(new Document("seen", 1), new IndexOptions().expireAfter(60L, TimeUnit.SECONDS)).keySet())
                .containsExactly("seen");
        assertThatThrownBy(() -> s.indexKeys(new Document("seen", 1),
                new IndexOptions().unique(true).expireAfter(60L, TimeUnit.SECONDS)))
                .isInstanceOf(UnsupportedFeatureException.class);
        assertThatThrownBy(() -> s.indexKeys(new Document("a", 1), new IndexOptions()
                .partialFilterExpression(Filters.where("true")))).isInstanceOf(IsolationViolationException.class);
        assertThat(scope(IsolationStrategy.DATABASE_PER_TENANT, "acme", false)
                .indexKeys(new Document("email", 1), null).keySet()).containsExactly("email");
    }

    @Test
    void updatesMustBeOperatorDocuments() {
        TenantScope s = rowLevel("acme");
        assertThatThrownBy(() -> s.update(Map.of("title", "x"), false)).isInstanceOf(DataAccessException.class)
                .hasMessageContaining("not an update operator");
        assertThatThrownBy(() -> s.update(Map.of(), false)).isInstanceOf(DataAccessException.class);
    }

    @Test
    void resultsLoseTheTenantFieldAtEveryDepth() {
        Document d = Document.parse("{a: 1, tenantId: 'acme', by: [{x: 1, tenantId: 'acme'}], n: {tenantId: 'acme'}}");
        assertThat(rowLevel("acme").strip(d)).isEqualTo(Document.parse("{a: 1, by: [{x: 1}], n: {}}"));
    }

    @Test
    void namesDifferingOnlyInCaseAreRefused() {
        TenantScope s = rowLevel("acme");
        s.physical("collection", "Orders");
        assertThat(s.physical("collection", "Orders")).isEqualTo("Orders");
        assertThatThrownBy(() -> s.physical("collection", "orders")).isInstanceOf(DataAccessException.class)
                .hasMessageContaining("differs only in case");
    }
}
