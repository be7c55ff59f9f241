package io.resilientredis.chaos.toxiproxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The launcher's flags follow toxiproxy-server's: -host, -port (also -flag=value and --flag). */
class ToxiproxyServerMainTest {

    @Test
    void defaultsAreToxiproxys() {
        ToxiproxyServerMain.Options options = ToxiproxyServerMain.Options.parse(new String[0]);
        assertThat(options.host).isEqualTo("127.0.0.1");
        assertThat(options.port).isEqualTo(8474);
        assertThat(options.config).isNull();
    }

    @Test
    void flagsInEveryForm() {
        ToxiproxyServerMain.Options options = ToxiproxyServerMain.Options.parse(
                new String[] {"-host", "0.0.0.0", "--port=9000", "-config", "proxies.json", "-version"});
        assertThat(options.host).isEqualTo("0.0.0.0");
        assertThat(options.port).isEqualTo(9000);
        assertThat(options.config).isEqualTo(Path.of("proxies.json"));
        assertThat(options.version).isTrue();
        assertThat(ToxiproxyServerMain.Options.parse(new String[] {"-help"}).help).isTrue();
    }

    @Test
    void badFlagsAreNamed() {
        assertThatThrownBy(() -> ToxiproxyServerMain.Options.parse(new String[] {"-port", "http"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-port");
        assertThatThrownBy(() -> ToxiproxyServerMain.Options.parse(new String[] {"-port", "70000"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..65535");
        assertThatThrownBy(() -> ToxiproxyServerMain.Options.parse(new String[] {"-verbose"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("-verbose");
        assertThatThrownBy(() -> ToxiproxyServerMain.Options.parse(new String[] {"-host"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("needs an argument");
    }
}
