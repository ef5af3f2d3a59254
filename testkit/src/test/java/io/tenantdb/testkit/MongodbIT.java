package io.tenantdb.testkit;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.changestream.ChangeStreamDocument;
import com.mongodb.client.model.changestream.OperationType;
import com.mongodb.reactivestreams.client.MongoClient;
import com.mongodb.reactivestreams.client.MongoClients;
import com.mongodb.reactivestreams.client.MongoCollection;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import java.time.Duration;
import java.util.UUID;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real round trip through the reactive MongoDB driver on the testkit's MongoDB (in-process unless
 * {@code TENANTDB_TEST_MONGODB_URI} names one): insert, find, and a change stream event.
 */
@ExtendWith(TestServersExtension.class)
class MongodbIT {

    @Test
    void insertsAndFinds(@Server(ServerKind.MONGODB) ServerEndpoint mongodb) {
        StepVerifier.create(using(mongodb, client -> {
                    MongoCollection<Document> songs = collection(client);
                    return Mono.from(songs.insertOne(new Document("title", "alpha").append("plays", 1)))
                            .then(Mono.from(songs.insertOne(new Document("title", "beta").append("plays", 2))))
                            .thenMany(songs.find(Filters.gt("plays", 1)))
                            .map(document -> document.getString("title"));
                }))
                .expectNext("beta")
                .verifyComplete();
    }

    @Test
    void changeStreamSeesAnInsert(@Server(ServerKind.MONGODB) ServerEndpoint mongodb) {
        StepVerifier.create(using(mongodb, client -> changeStreamEvent(collection(client)).flux()))
                .assertNext(event -> {
                    assertThat(event.getOperationType()).isEqualTo(OperationType.INSERT);
                    assertThat(event.getFullDocument()).isNotNull();
                    assertThat(event.getFullDocument().getString("title")).isEqualTo("gamma");
                })
                .verifyComplete();
    }

    /**
     * The first event of a change stream opened before inserting: the insert repeats until the stream,
     * whose cursor opens asynchronously, reports one.
     */
    static Mono<ChangeStreamDocument<Document>> changeStreamEvent(MongoCollection<Document> songs) {
        Mono<ChangeStreamDocument<Document>> event = Flux.from(songs.watch()).next().cache();
        return event.doOnSubscribe(s -> Flux.interval(Duration.ZERO, Duration.ofMillis(200)).onBackpressureDrop()
                        .concatMap(i -> songs.insertOne(new Document("title", "gamma").append("i", i)))
                        .takeUntilOther(event)
                        .take(Duration.ofSeconds(20))
                        .subscribe(r -> { }, e -> System.err.println("MongodbIT: the inserts for the change stream stopped: " + e)))
                .timeout(Duration.ofSeconds(30));
    }

    static MongoCollection<Document> collection(MongoClient client) {
        return client.getDatabase("testkit_" + UUID.randomUUID().toString().substring(0, 8))
                .getCollection("songs");
    }

    static <T> Flux<T> using(ServerEndpoint mongodb, Function<MongoClient, Flux<T>> work) {
        return Flux.usingWhen(Mono.fromSupplier(() -> client(mongodb)), work,
                client -> Mono.fromRunnable(client::close));
    }

    static MongoClient client(ServerEndpoint mongodb) {
        String credentials = mongodb.user() == null ? "" : mongodb.user() + ":" + mongodb.password() + "@";
        return MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString("mongodb://" + credentials + mongodb.address()))
                .build());
    }
}
