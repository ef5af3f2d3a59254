package io.tenantdb.mongodb.internal;

import io.tenantdb.core.IsolationStrategy;
import io.tenantdb.core.exception.IsolationViolationException;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.tenantdb.mongodb.internal.ScopeFixtures.rowLevel;
import static io.tenantdb.mongodb.internal.ScopeFixtures.scope;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PipelineRewriterTest {

    private static final Document MINE = new Document("$match", new Document("tenantId", "acme"));

    private static List<Map<String, Object>> pipeline(String json) {
        @SuppressWarnings("unchecked")
        List<Map<String, Object>> stages = (List<Map<String, Object>>) Document.parse("{p: " + json + "}").get("p");
        return stages;
    }

    @Test
    void rowLevelPipelinesStartWithTheTenantMatch() {
        List<Document> out = rowLevel("acme").pipeline(pipeline("[{$group: {_id: '$genre'}}]"));
        assertThat(out).containsExactly(MINE, Document.parse("{$group: {_id: '$genre'}}"));
    }

    @Test
    void lookupWithFieldsIsRewrittenToAPipelineWithTheTenantMatch() {
        List<Document> out = rowLevel("acme").pipeline(pipeline(
                "[{$lookup: {from: 'artists', localField: 'artist', foreignField: 'key', as: 'by'}}]"));
        Document lookup = (Document) out.get(1).get("$lookup");
        assertThat(lookup).doesNotContainKeys("localField", "foreignField")
                .containsEntry("from", "artists").containsEntry("as", "by")
                .containsEntry("let", new Document(PipelineRewriter.LOCAL_VARIABLE, "$artist"));
        @SuppressWarnings("unchecked")
        List<Document> sub = (List<Document>) lookup.get("pipeline");
        assertThat(sub.get(0)).isEqualTo(MINE);
        assertThat(sub.get(1).toJson()).contains("$expr").contains("$key").contains("$$tdb_local");
    }

    @Test
    void lookupPipelinesUnionWithAndGraphLookupAreConfinedRecursively() {
        List<Document> out = rowLevel("acme").pipeline(pipeline("[{$lookup: {from: 'a', pipeline: ["
                + "{$lookup: {from: 'b', pipeline: [], as: 'inner'}}], as: 'outer'}},"
                + "{$unionWith: 'c'}, {$unionWith: {coll: 'd', pipeline: [{$match: {x: 1}}]}},"
                + "{$graphLookup: {from: 'e', startWith: '$p', connectFromField: 'p', connectToField: '_id', as: 'g',"
                + " restrictSearchWithMatch: {kind: 'x'}}},"
                + "{$facet: {f: [{$lookup: {from: 'g', pipeline: [], as: 'h'}}]}}]"));
        String json = new Document("p", out).toJson();
        Document outer = (Document) out.get(1).get("$lookup");
        @SuppressWarnings("unchecked")
        List<Document> outerPipeline = (List<Document>) outer.get("pipeline");
        assertThat(outerPipeline.get(0)).isEqualTo(MINE);
        Document inner = (Document) outerPipeline.get(1).get("$lookup");
        assertThat(inner.get("pipeline")).isEqualTo(List.of(MINE));
        assertThat(out.get(2)).isEqualTo(new Document("$unionWith", new Document("coll", "c").append("pipeline", List.of(MINE))));
        assertThat(out.get(3)).isEqualTo(new Document("$unionWith", new Document("coll", "d")
                .append("pipeline", List.of(MINE, Document.parse("{$match: {x: 1}}")))));
        assertThat(((Document) out.get(4).get("$graphLookup")).get("restrictSearchWithMatch"))
                .isEqualTo(new Document("kind", "x").append("tenantId", "acme"));
        assertThat(json).contains("\"h\"");
        Document facet = (Document) out.get(5).get("$facet");
        @SuppressWarnings("unchecked")
        Document h = (Document) ((List<Document>) facet.get("f")).get(0).get("$lookup");
        assertThat(h.get("pipeline")).isEqualTo(List.of(MINE));
    }

    @Test
    void aLeadingGeoNearKeepsItsPlaceAndCarriesTheTenantInItsQuery() {
        List<Document> out = rowLevel("acme").pipeline(pipeline("[{$geoNear: {near: {type: 'Point', coordinates: [1, 2]},"
                + " distanceField: 'd', query: {kind: 'cafe'}}}, {$limit: 3}]"));
        assertThat(out).hasSize(2);
        assertThat(((Document) out.get(0).get("$geoNear")).get("query"))
                .isEqualTo(new Document("kind", "cafe").append("tenantId", "acme"));
        assertThatThrownBy(() -> rowLevel("acme").pipeline(pipeline("[{$limit: 1}, {$geoNear: {near: [1, 2], distanceField: 'd'}}]")))
                .isInstanceOf(IsolationViolationException.class);
    }

    @Test
    void prefixStrategyMapsEveryCollectionName() {
        List<Document> out = scope(IsolationStrategy.SCHEMA_PER_TENANT, "acme", false).pipeline(pipeline(
                "[{$lookup: {from: 'artists', localField: 'a', foreignField: 'b', as: 'x'}}, {$unionWith: 'c'},"
                        + " {$out: 'report'}]"));
        assertThat(((Document) out.get(0).get("$lookup")).get("from")).isEqualTo("tenant_acme-artists");
        assertThat(((Document) out.get(0).get("$lookup"))).containsKeys("localField", "foreignField");
        assertThat(((Document) out.get(1).get("$unionWith")).get("coll")).isEqualTo("tenant_acme-c");
        assertThat(out.get(2).get("$out")).isEqualTo("tenant_acme-report");
    }

    @Test
    void otherDatabasesAndServerWideStagesAreRefused() {
        TenantScope own = scope(IsolationStrategy.DATABASE_PER_TENANT, "acme", false);
        assertThatThrownBy(() -> own.pipeline(pipeline("[{$lookup: {from: {db: 'tenant_other', coll: 'x'}, pipeline: [], as: 'y'}}]")))
                .isInstanceOf(IsolationViolationException.class).hasMessageContaining("other databases");
        assertThatThrownBy(() -> own.pipeline(pipeline("[{$out: {db: 'tenant_other', coll: 'x'}}]")))
                .isInstanceOf(IsolationViolationException.class).hasMessageContaining("another database");
        assertThatThrownBy(() -> own.pipeline(pipeline("[{$merge: {into: {db: 'tenant_other', coll: 'x'}}}]")))
                .isInstanceOf(IsolationViolationException.class);
        assertThatThrownBy(() -> own.pipeline(pipeline("[{$currentOp: {}}]")))
                .isInstanceOf(IsolationViolationException.class);
        assertThatThrownBy(() -> rowLevel("acme").pipeline(pipeline("[{$merge: 'x'}]")))
                .isInstanceOf(IsolationViolationException.class).hasMessageContaining("ROW_LEVEL_SECURITY");
        assertThat(own.pipeline(pipeline("[{$out: {db: 'tenant_acme', coll: 'x'}}]")).get(0).get("$out"))
                .isEqualTo(new Document("db", "tenant_acme").append("coll", "x"));
    }

    @Test
    void serverSideJavaScriptIsRefusedInSubPipelinesUnlessAllowed() {
        String js = "[{$lookup: {from: 'a', pipeline: [{$match: {$expr: {$function: {body: 'x', args: [], lang: 'js'}}}}],"
                + " as: 'b'}}]";
        assertThatThrownBy(() -> rowLevel("acme").pipeline(pipeline(js)))
                .isInstanceOf(IsolationViolationException.class).hasMessageContaining("$function");
        assertThat(scope(IsolationStrategy.ROW_LEVEL_SECURITY, "acme", true).pipeline(pipeline(js))).hasSize(2);
    }
}
