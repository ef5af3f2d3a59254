package io.tenantdb.testkit;

import com.mongodb.client.model.Filters;
import com.mongodb.reactivestreams.client.MongoCollection;
import org.bson.Document;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import reactor.blockhound.BlockingOperationError;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.test.StepVerifier;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * In a JVM serving the in-process MongoDB server, BlockHound stays strict for tenantdb-like code, and
 * the server, driven by the reactive driver from reactor threads, works.
 */
@ExtendWith(TestServersExtension.class)
class BlockHoundIT {

    @Test
    void blockingOnAParallelThreadIsStillCaught() {
        StepVerifier.create(Mono.fromCallable(TenantdbLikeCode::blockingLookup).subscribeOn(Schedulers.parallel()))
                .expectErrorSatisfies(error -> assertThat(error)
                        .isInstanceOf(BlockingOperationError.class)
                        .hasMessageContaining("Thread.sleep"))
                .verify(Duration.ofSeconds(10));
    }

    @Test
    void inProcessMongoServesReactorThreads(@Server(ServerKind.MONGODB) ServerEndpoint mongodb) {
        StepVerifier.create(MongodbIT.using(mongodb, client -> {
                    MongoCollection<Document> songs = MongodbIT.collection(client);
                    return Flux.range(0, 20)
                            .publishOn(Schedulers.parallel())
                            .flatMap(i -> songs.insertOne(new Document("title", "song" + i).append("plays", i)), 8)
                            .then(MongodbIT.changeStreamEvent(songs).subscribeOn(Schedulers.parallel()))
                            .thenMany(Flux.from(songs.countDocuments(Filters.gte("plays", 0)))
                                    .subscribeOn(Schedulers.parallel()));
                }))
                .assertNext(count -> assertThat(count).isGreaterThanOrEqualTo(20L))
                .verifyComplete();
    }

    /** Stands in for tenantdb code that wrongly blocks. */
    static final class TenantdbLikeCode {

        private TenantdbLikeCode() {
        }

        static String blockingLookup() throws InterruptedException {
            Thread.sleep(1);
            return "never";
        }

    }
}
