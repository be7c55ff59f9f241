package io.resilientredis.failover.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class FailureClassifierTest {

    private final FailureClassifier classifier = FailureClassifier.defaults();

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "LOADING Redis is loading the dataset in memory | FAILOVER_TRANSIENT",
            "-MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'. | FAILOVER_TRANSIENT",
            "READONLY You can't write against a read only replica. | FAILOVER_TRANSIENT",
            "TRYAGAIN Multiple keys request during rehashing of slot | FAILOVER_TRANSIENT",
            "OOM command not allowed when used memory > 'maxmemory'. | WRITE_REFUSED",
            "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist | WRITE_REFUSED",
            "NOAUTH Authentication required. | CONFIGURATION",
            "WRONGPASS invalid username-password pair or user is disabled. | CONFIGURATION",
            "NOPERM this user has no permissions to run the 'set' command | CONFIGURATION",
            "ERR invalid password | CONFIGURATION",
            "WRONGTYPE Operation against a key holding the wrong kind of value | CALLER_ERROR",
            "ERR syntax error | CALLER_ERROR",
            "ERR wrong number of arguments for 'set' command | CALLER_ERROR",
            "LOADINGX is not a reply prefix | CALLER_ERROR",
            "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE. | FAILOVER_TRANSIENT",
            "ERR Error running script (call to f_a07): @user_script:3: @user_script: 3: -READONLY You can't write against a read only replica. | FAILOVER_TRANSIENT",
            "ERR Error running script (call to f_a07): @user_script:3: WRONGTYPE Operation against a key holding the wrong kind of value | CALLER_ERROR",
            "ERR Error running script (call to f_a07): @user_script:5: OOM command not allowed when used memory > 'maxmemory'. | WRITE_REFUSED",
            "ERR Error running script (call to f_a07): @user_script:1: Script attempted to access nonexistent global variable | CALLER_ERROR",
            "ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 | FAILOVER_TRANSIENT",
            // Redis 7 puts the script's position after the inner reply, which comes first.
            "READONLY You can't write against a read only replica. script: 3a2b1c, on @user_script:3. | FAILOVER_TRANSIENT",
            "WRONGTYPE Operation against a key holding the wrong kind of value script: 3a2b1c, on @user_script:2. | CALLER_ERROR",
            "OOM command not allowed when used memory > 'maxmemory'. script: 3a2b1c, on @user_script:3. | WRITE_REFUSED",
            "ERR user_script:1: Script attempted to access nonexistent global variable 'x' script: 3a2b1c, on @user_script:1. | CALLER_ERROR",
    })
    void sortsRedisRepliesByTheirFirstWord(String reply, FailureKind expected) {
        assertThat(classifier.classify(new RuntimeException(reply))).isEqualTo(expected);
    }

    @Test
    void networkFailuresAreConnectivityAndCountAgainstTheEndpoint() {
        assertThat(classifier.classify(new ConnectException("Connection refused"))).isEqualTo(FailureKind.CONNECTIVITY);
        assertThat(classifier.classify(new SocketException("Connection reset"))).isEqualTo(FailureKind.CONNECTIVITY);
        assertThat(classifier.classify(new TimeoutException())).isEqualTo(FailureKind.CONNECTIVITY);
        assertThat(classifier.classify(new IOException("broken pipe"))).isEqualTo(FailureKind.CONNECTIVITY);
        assertThat(FailureKind.CONNECTIVITY.countsAgainstEndpoint()).isTrue();
        assertThat(FailureKind.FAILOVER_TRANSIENT.countsAgainstEndpoint()).isTrue();
        assertThat(FailureKind.CALLER_ERROR.countsAgainstEndpoint()).isFalse();
        assertThat(FailureKind.CONFIGURATION.countsAgainstEndpoint()).isFalse();
        assertThat(FailureKind.WRITE_REFUSED.countsAgainstEndpoint()).isFalse();
    }

    @Test
    void walksTheCauseChain() {
        Throwable wrapped = new CompletionException(new RuntimeException("outer",
                new RuntimeException("READONLY You can't write against a read only replica.")));
        assertThat(classifier.classify(wrapped)).isEqualTo(FailureKind.FAILOVER_TRANSIENT);
        assertThat(classifier.classify(new CompletionException(new IllegalStateException("x",
                new ConnectException("refused"))))).isEqualTo(FailureKind.CONNECTIVITY);
    }

    @Test
    void unknownHostAndTlsAreConfiguration() {
        assertThat(classifier.classify(new UnknownHostException("no.such.host"))).isEqualTo(FailureKind.CONFIGURATION);
        assertThat(classifier.classify(new SSLHandshakeException("bad cert"))).isEqualTo(FailureKind.CONFIGURATION);
    }

    @Test
    void aBindingClassifierIsAskedFirst() {
        FailureClassifier binding = f -> f instanceof IllegalStateException ? FailureKind.CONNECTIVITY : null;
        FailureClassifier combined = binding.orElse(FailureClassifier.defaults());
        assertThat(combined.classify(new IllegalStateException("pool closed"))).isEqualTo(FailureKind.CONNECTIVITY);
        assertThat(combined.classify(new RuntimeException("WRONGTYPE x"))).isEqualTo(FailureKind.CALLER_ERROR);
    }
}
