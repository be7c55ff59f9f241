package io.resilientredis.examples.boot;

import java.math.BigDecimal;
import java.time.Instant;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.resilientredis.client.ResilientRedis;
import io.resilientredis.failover.RedisUnavailableException;
import io.resilientredis.failover.WriteReceipt;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Service;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * An order service on the starter. {@code POST /orders/{id}} stores the order and enqueues a job to
 * ship it (both spilled, not failed, while Redis is down); {@code GET /orders/{id}} reads it back (503
 * while nothing can serve the read); {@code GET /prices/{item}} is {@code @Cacheable} (a record,
 * cached as JSON), so it keeps answering through an outage; {@code prices.lookups} counts the calls the
 * cache did not answer. Run: {@code ./mvnw -pl examples/spring-boot -am -DskipTests package}
 * and then {@code ./mvnw -pl examples/spring-boot exec:java}, against {@code spring.data.redis.*}
 * (localhost:6379 by default) or {@code resilient-redis.urls}.
 */
@SpringBootApplication
@EnableCaching
public class OrderService {

    /**
     * Runs the service.
     *
     * @param args Spring Boot's command line arguments
     */
    public static void main(String[] args) {
        SpringApplication.run(OrderService.class, args);
    }

    @RestController
    static class Orders {

        private final ResilientRedis redis;
        private final Prices prices;

        Orders(ResilientRedis redis, Prices prices) {
            this.redis = redis;
            this.prices = prices;
        }

        @PostMapping("/orders/{id}")
        ResponseEntity<String> place(@PathVariable("id") String id, @RequestBody String order) {
            WriteReceipt<Void> stored = redis.set("order:" + id, order);
            redis.queue("shipping").enqueue(id);
            // WRITTEN, or SPILLED while Redis is down: accepted either way, replayed in order later
            return ResponseEntity.status(HttpStatus.ACCEPTED).body(stored.status().name());
        }

        @GetMapping("/orders/{id}")
        ResponseEntity<String> get(@PathVariable("id") String id) {
            String order = redis.get("order:" + id);
            return order == null ? ResponseEntity.notFound().build() : ResponseEntity.ok(order);
        }

        @GetMapping("/prices/{item}")
        Price price(@PathVariable("item") String item) {
            return prices.price(item);
        }

        @ExceptionHandler(RedisUnavailableException.class)
        ResponseEntity<String> unavailable(RedisUnavailableException e) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body("orders cannot be read right now");
        }
    }

    /**
     * A quoted price: what the cache stores (as JSON, read back as this record).
     *
     * @param item the item
     * @param amount its price
     * @param quotedAt when it was looked up
     */
    public record Price(String item, BigDecimal amount, Instant quotedAt) {
    }

    @Service
    static class Prices {

        private final Counter lookups;

        Prices(MeterRegistry registry) {
            this.lookups = Counter.builder("prices.lookups").description("Price lookups the cache did not answer")
                    .register(registry);
        }

        @Cacheable("prices")
        public Price price(String item) {
            // stands in for a slow lookup
            lookups.increment();
            return new Price(item, BigDecimal.valueOf(Math.abs(item.hashCode()) % 100 + 1, 0).setScale(2),
                    Instant.now());
        }
    }
}
