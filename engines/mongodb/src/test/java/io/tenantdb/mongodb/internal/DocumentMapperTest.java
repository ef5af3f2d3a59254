package io.tenantdb.mongodb.internal;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.tenantdb.core.TenantId;
import io.tenantdb.core.exception.DataAccessException;
import org.bson.Document;
import org.bson.types.ObjectId;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DocumentMapperTest {

    private static final TenantId T = TenantId.of("acme");
    private final DocumentMapper mapper = new DocumentMapper();

    record Album(@JsonProperty("_id") ObjectId id, String title, Instant released, List<String> tags) {
    }

    record Named(@JsonProperty("_id") String id, String title) {
    }

    @Test
    void recordsKeepBsonTypesBothWays() {
        ObjectId id = new ObjectId();
        Instant released = Instant.parse("2021-05-06T07:08:09.010Z");
        Map<String, Object> doc = mapper.toDocument(new Album(id, "A", released, List.of("x")), T);
        assertThat(doc).containsEntry("_id", id).containsEntry("released", Date.from(released))
                .containsEntry("tags", List.of("x"));
        assertThat(mapper.fromDocument(doc, Album.class, T)).isEqualTo(new Album(id, "A", released, List.of("x")));
    }

    @Test
    void aMissingIdIsLeftForTheDriverAndObjectIdsReadAsStrings() {
        assertThat(mapper.toDocument(new Album(null, "A", null, List.of()), T)).doesNotContainKey("_id");
        ObjectId id = new ObjectId();
        Named named = mapper.fromDocument(new Document("_id", id).append("title", "t").append("extra", 1), Named.class, T);
        assertThat(named).isEqualTo(new Named(id.toHexString(), "t"));
    }

    @Test
    void unmappableValuesFailWithTheTenant() {
        assertThatThrownBy(() -> mapper.fromDocument(new Document("released", "not a date"), Album.class, T))
                .isInstanceOf(DataAccessException.class).hasMessageContaining("tenant=acme").hasMessageContaining("Album");
    }
}
