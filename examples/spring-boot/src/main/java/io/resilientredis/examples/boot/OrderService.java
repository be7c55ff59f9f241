package io.resilientredis.examples.boot;

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
 * while nothing can serve the read); {@code GET /prices/{item}} is {@code @Cacheable}, so it keeps
 * answering through an outage. Run: {@code ./mvnw -pl examples/spring-boot -am -DskipTests package}
 * and then {@code ./mvnw -pl examples/spring-boot exec:java}, against {@code spring.data.redis.*}
 * (localhost:6379 by default) or {@code resilient-redis.urls}.
 */
@SpringBootApplication
@EnableCaching
public class OrderService {

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
        String price(@PathVariable("item") String item) {
            return prices.price(item);
        }

        @ExceptionHandler(RedisUnavailableException.class)
        ResponseEntity<String> unavailable(RedisUnavailableException e) {
            return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE).body("orders cannot be read right now");
        }
    }

    @Service
    static class Prices {

        @Cacheable("prices")
        public String price(String item) {
            // stands in for a slow lookup
            return item + ": " + (Math.abs(item.hashCode()) % 100 + 1) + ".00";
        }
    }
}
