package io.resilientredis.chaos.topology;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Declares the Redis topology a test class needs. The class gets one started {@link RedisTopology},
 * injected as a parameter into its constructor, {@code @BeforeAll}/{@code @BeforeEach} methods and test
 * methods, and closed after the class. When a test fails, the tail of every node's log is printed to
 * standard error. Resetting data between tests is the tests' business (for example {@code FLUSHALL}).
 *
 * <pre>{@code
 * @RedisTopologyTest(shape = Shape.SENTINEL_GROUP, replicas = 1)
 * class FailoverTest {
 *     @Test
 *     void promotesReplica(RedisTopology topology) { ... }
 * }
 * }</pre>
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Inherited
@ExtendWith(RedisTopologyExtension.class)
public @interface RedisTopologyTest {

    /** {@return the deployment to start} */
    Shape shape() default Shape.STANDALONE;

    /**
     * {@return replicas of the primary (or of the standby group's master, or of each cluster shard's
     * master); ignored for {@link Shape#STANDALONE}}
     */
    int replicas() default 1;

    /** {@return the number of shards (masters) of a {@link Shape#CLUSTER}, 3 to 16} */
    int shards() default 3;

    /** {@return a {@link Shape#CLUSTER}'s {@code cluster-node-timeout}} */
    long clusterNodeTimeoutMillis() default 1000;

    /** {@return the name Sentinels monitor the master under} */
    String masterName() default "mymaster";

    /** {@return sentinel {@code down-after-milliseconds}} */
    long downAfterMillis() default 1000;

    /** {@return sentinel {@code failover-timeout}} */
    long failoverTimeoutMillis() default 3000;

    /** {@return a password for the data nodes; empty means none} */
    String password() default "";

    /** {@return extra redis.conf directives for every data node, such as {@code "maxmemory 2mb"}} */
    String[] config() default {};

    /** {@return lines of each node's log to print when a test fails} */
    int logLinesOnFailure() default 40;
}
