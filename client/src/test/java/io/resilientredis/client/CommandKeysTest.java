package io.resilientredis.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CommandKeysTest {

    @Test
    void findsTheKeysOfEachFormOfCommand() {
        assertThat(keys("SET", "k", "v", "PX", "10")).containsExactly("k");
        assertThat(keys("del", "a", "b", "c")).containsExactly("a", "b", "c");
        assertThat(keys("LMOVE", "src", "dst", "LEFT", "RIGHT")).containsExactly("src", "dst");
        assertThat(keys("MSET", "a", "1", "b", "2")).containsExactly("a", "b");
        assertThat(keys("ZUNIONSTORE", "out", "2", "z1", "z2", "WEIGHTS", "1", "2")).containsExactly("out", "z1", "z2");
        assertThat(keys("SINTERCARD", "2", "s1", "s2", "LIMIT", "5")).containsExactly("s1", "s2");
        assertThat(keys("ZINTER", "x", "s1")).as("a numkeys Redis refuses: no key").isEmpty();
        assertThat(keys("PING")).isEmpty();
    }

    @Test
    void refusesKeysInDifferentSlotsAndAcceptsOneHashTag() {
        assertThatThrownBy(() -> CommandKeys.requireOneSlot("DEL", bytes("a", "b")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'a' is in slot 15495, 'b' in slot 3300").hasMessageContaining("CROSSSLOT");
        CommandKeys.requireOneSlot("DEL", bytes("{u}a", "{u}b", "u"));
        CommandKeys.requireOneSlot("GET", bytes("a"));
    }

    private static List<String> keys(String command, String... args) {
        List<String> out = new ArrayList<>();
        for (byte[] k : CommandKeys.of(command, bytes(args))) {
            out.add(new String(k, StandardCharsets.UTF_8));
        }
        return out;
    }

    private static List<byte[]> bytes(String... args) {
        List<byte[]> out = new ArrayList<>();
        for (String a : args) {
            out.add(a.getBytes(StandardCharsets.UTF_8));
        }
        return out;
    }
}
