package io.tenantdb.mongodb;

import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MongoFiltersTest {

    @Test
    void eqComparesWithEqSoAValueIsNeverInterpreted() {
        assertThat(MongoFilters.eq("email", "a@b.c")).isEqualTo(Map.of("email", new Document("$eq", "a@b.c")));
        assertThat(MongoFilters.eq("tags", List.of("x", "y")))
                .isEqualTo(Map.of("tags", new Document("$eq", List.of("x", "y"))));
    }

    @Test
    void operatorValuesAreRefusedAtAnyDepth() {
        assertThatThrownBy(() -> MongoFilters.eq("password", Map.of("$ne", "")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("$ne").hasMessageContaining("password");
        assertThatThrownBy(() -> MongoFilters.eq("profile", Map.of("name", Map.of("$gt", ""))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MongoFilters.in("id", List.of("a", Map.of("$where", "1"))))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> MongoFilters.eq("$where", "x")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void plainDocumentsAreAllowed() {
        assertThat(MongoFilters.eq("address", Map.of("city", "Oslo")).get("address"))
                .isEqualTo(new Document("$eq", Map.of("city", "Oslo")));
        assertThat(MongoFilters.and(MongoFilters.eq("a", 1), MongoFilters.in("b", List.of(2, 3))))
                .containsOnlyKeys("$and");
    }
}
