package io.resilientredis.spring.boot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Configuration;

/**
 * A real {@code SpringApplication} started with a bad property: the report Spring Boot prints (its
 * {@code LoggingFailureAnalysisReporter}, from the starter's failure analyzer) names the property,
 * the value with the password redacted and the fix, and the password appears nowhere in the output.
 * No Redis is needed: the client is never built.
 */
@ExtendWith(OutputCaptureExtension.class)
class ResilientRedisStartupFailureTest {

    private static final String BANNER = "***************************\n"
            + "APPLICATION FAILED TO START\n"
            + "***************************\n\n";

    @Test
    void aBadUrlIsReportedWithItsPropertyTheRedactedValueAndTheFix(CapturedOutput output) {
        assertThatThrownBy(() -> start("resilient-redis.urls=redis://:s3cret-pw@127.0.0.1:70000"))
                .hasRootCauseInstanceOf(ResilientRedisPropertyException.class);
        assertThat(normalized(output)).contains(BANNER
                + "Description:\n\n"
                + "The Redis client could not be configured.\n\n"
                + "    Property: resilient-redis.urls[0]\n"
                + "    Value: redis://:***@127.0.0.1:70000\n"
                + "    Reason: port 70000 in redis://***@127.0.0.1:70000 is outside 1-65535. Fix: use the port Redis listens on (its 'port' setting, 6379 by default)\n\n"
                + "Action:\n\n"
                + "Give a URL of the form redis://[[user]:password@]host[:port][/database], or rediss://... for TLS.\n");
        assertThat(output.toString()).doesNotContain("s3cret-pw");
    }

    @Test
    void aBadSpringDataRedisUrlIsReportedWithThePasswordRedacted(CapturedOutput output) {
        assertThatThrownBy(() -> start("spring.data.redis.url=redis://app:pa55-word@10.0.0.5:notaport"))
                .hasRootCauseInstanceOf(ResilientRedisPropertyException.class);
        assertThat(normalized(output)).contains(BANNER
                + "Description:\n\n"
                + "The Redis client could not be configured.\n\n"
                + "    Property: spring.data.redis.url\n"
                + "    Value: redis://app:***@10.0.0.5:notaport\n"
                + "    Reason: port 'notaport' in redis://***@10.0.0.5:notaport is not a number. Fix: give the port as a number, such as redis://10.0.0.5:6379\n\n"
                + "Action:\n\n"
                + "Give a URL of the form redis://[[user]:password@]host[:port][/database], or rediss://... for TLS.\n");
        assertThat(output.toString()).doesNotContain("pa55-word");
    }

    @Test
    void aValueOutOfRangeIsReportedWithTheRangeInTheAction(CapturedOutput output) {
        assertThatThrownBy(() -> start("resilient-redis.urls=redis://127.0.0.1:6379", "resilient-redis.retry.jitter=5"))
                .hasRootCauseInstanceOf(ResilientRedisPropertyException.class);
        assertThat(normalized(output)).contains(BANNER + "Description:\n\n"
                + "The Redis client could not be configured.\n\n"
                + "    Property: resilient-redis.retry.jitter\n"
                + "    Value: 5.0\n"
                + "    Reason: jitter must be 0..1, was 5.0\n\n"
                + "Action:\n\n");
        assertThat(normalized(output)).containsPattern("\nAction:\n\nSet resilient-redis.retry.jitter[^\n]*from 0 to 1");
    }

    @Test
    void aClusterSeedWithADatabaseIsReportedWithThePasswordRedacted(CapturedOutput output) {
        assertThatThrownBy(() -> start("resilient-redis.cluster.nodes=redis://:s3cret-pw@10.0.0.5:7000/2,10.0.0.6:7000"))
                .hasRootCauseInstanceOf(ResilientRedisPropertyException.class);
        assertThat(normalized(output)).contains(BANNER
                + "Description:\n\n"
                + "The Redis client could not be configured.\n\n"
                + "    Property: resilient-redis.cluster.nodes\n"
                + "    Value: redis://:***@10.0.0.5:7000/2,redis://10.0.0.6:7000\n"
                + "    Reason: cluster seed 'redis://***@10.0.0.5:7000/2' names database 2, but Redis Cluster has "
                + "database 0 only. Fix: drop the /2\n\n"
                + "Action:\n\n"
                + "List each seed node as host:port (or redis://[[user]:password@]host:port), comma-separated: one "
                + "scheme and the same credentials for all, and no database, since Redis Cluster has database 0 only.\n");
        assertThat(output.toString()).doesNotContain("s3cret-pw");
    }

    private static void start(String... properties) {
        new SpringApplicationBuilder(App.class).web(WebApplicationType.NONE).properties(properties).run().close();
    }

    private static String normalized(CapturedOutput output) {
        return output.toString().replace("\r\n", "\n");
    }

    @Configuration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    static class App {
    }
}
