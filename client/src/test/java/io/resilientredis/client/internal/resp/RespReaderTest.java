package io.resilientredis.client.internal.resp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one RESP2 reader and writer: every reply type, errors as values, and what is not RESP. */
class RespReaderTest {

    private static Object read(String wire) throws IOException {
        return new RespReader(new ByteArrayInputStream(wire.getBytes(StandardCharsets.UTF_8))).read();
    }

    @Test
    void readsEveryReplyType() throws IOException {
        assertThat(read("+PONG\r\n")).isEqualTo("PONG");
        assertThat(read(":42\r\n")).isEqualTo(42L);
        assertThat(read("$6\r\nh\r\nllo\r\n")).isEqualTo("h\r\nllo");
        assertThat(read("$6\r\nc\u00e9l\u00e9\r\n")).isEqualTo("c\u00e9l\u00e9");
        assertThat(read("$-1\r\n")).isNull();
        assertThat(read("*-1\r\n")).isNull();
        assertThat(read("*0\r\n")).isEqualTo(List.of());
        assertThat(read("*2\r\n$9\r\n127.0.0.1\r\n$4\r\n6379\r\n")).isEqualTo(List.of("127.0.0.1", "6379"));
    }

    @Test
    void errorsAreValuesAtTheTopAndInsideArrays() throws IOException {
        Object error = read("-NOAUTH Authentication required.\r\n");
        assertThat(error).isEqualTo(new RespError("NOAUTH Authentication required."));
        assertThat(((RespError) error).code()).isEqualTo("NOAUTH");
        assertThat(error).hasToString("NOAUTH Authentication required.");

        Object exec = read("*3\r\n+OK\r\n-WRONGTYPE Operation against a key\r\n*1\r\n:1\r\n");
        assertThat(exec).isEqualTo(List.of("OK", new RespError("WRONGTYPE Operation against a key"), List.of(1L)));
        assertThat((List<?>) exec).isUnmodifiable();
    }

    @Test
    void severalRepliesInARowAreReadOneByOne() throws IOException {
        RespReader reader = new RespReader(new ByteArrayInputStream("+OK\r\n:7\r\n".getBytes(StandardCharsets.US_ASCII)));
        assertThat(reader.read()).isEqualTo("OK");
        assertThat(reader.read()).isEqualTo(7L);
        assertThatThrownBy(reader::read).isInstanceOf(EOFException.class).hasMessageContaining("before replying");
    }

    @Test
    void whatIsNotRespIsAnIOExceptionThatSaysSo() {
        assertThatThrownBy(() -> read("HTTP/1.1 400 Bad Request\r\n")).isInstanceOf(IOException.class)
                .hasMessageContaining("not RESP (first byte 0x48)");
        assertThatThrownBy(() -> read("\u0016\u0003\u0001\r\n")).isInstanceOf(IOException.class)
                .hasMessageContaining("TLS port spoken to in plain text?");
        assertThatThrownBy(() -> read(":forty\r\n")).isInstanceOf(IOException.class)
                .hasMessageContaining("malformed RESP number 'forty'");
        assertThatThrownBy(() -> read("+OK\rX")).isInstanceOf(IOException.class)
                .hasMessageContaining("malformed RESP line ending");
        assertThatThrownBy(() -> read("$5\r\nhelloXX")).isInstanceOf(IOException.class)
                .hasMessageContaining("malformed RESP bulk string ending");
        assertThatThrownBy(() -> read("$5\r\nhel")).isInstanceOf(EOFException.class)
                .hasMessageContaining("in the middle of a reply");
        assertThatThrownBy(() -> read("*2\r\n+a\r\n")).isInstanceOf(EOFException.class);
        assertThatThrownBy(() -> read("*1\r\n".repeat(40) + ":1\r\n")).isInstanceOf(IOException.class)
                .hasMessageContaining("nested deeper than");
    }

    @Test
    void theWriterSendsBulkStringsInUtf8() {
        assertThat(new String(RespWriter.command("SET", "k\u00e9", "v v"), StandardCharsets.UTF_8))
                .isEqualTo("*3\r\n$3\r\nSET\r\n$3\r\nk\u00e9\r\n$3\r\nv v\r\n");
    }

    @Test
    void infoAndFieldValueRepliesBecomeMaps() {
        assertThat(RespReplies.info("# Replication\r\nrole:master\r\nconnected_slaves:1\r\n\r\n# Memory\r\n"
                + "maxmemory_policy:noeviction\r\n")).containsExactly(
                java.util.Map.entry("role", "master"), java.util.Map.entry("connected_slaves", "1"),
                java.util.Map.entry("maxmemory_policy", "noeviction"));
        assertThat(RespReplies.info(null)).isEmpty();
        assertThat(RespReplies.pairs(List.of("ip", "10.0.0.5", "port", "6379", "odd")))
                .containsExactly(java.util.Map.entry("ip", "10.0.0.5"), java.util.Map.entry("port", "6379"));
        assertThat(RespReplies.pairs("not an array")).isEmpty();
    }
}
