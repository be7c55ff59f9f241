package io.resilientredis.chaos.toxiproxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The parts of the HTTP API the Java client never exercises: PATCH, populate, status codes and error bodies. */
class ToxiproxyHttpApiTest {
    private ToxiproxyServer server;
    private TestUpstream echo;
    private HttpClient http;

    @BeforeEach
    void start() throws IOException {
        server = ToxiproxyServer.builder().port(0).build().start();
        echo = TestUpstream.echo();
        http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    @AfterEach
    void stop() throws IOException {
        server.close();
        echo.close();
    }

    @Test
    void emptyServerListsNoProxies() throws Exception {
        Answer answer = call("GET", "/proxies", null);
        assertThat(answer.status).isEqualTo(200);
        assertThat(answer.json()).isEqualTo(JsonParser.parseString("{}"));
        assertThat(call("GET", "/version", null).json().getAsJsonObject().get("version").getAsString())
                .isEqualTo(ToxiproxyServer.VERSION);
    }

    @Test
    void createAnswers201WithTheFullProxyShape() throws Exception {
        Answer answer = call("POST", "/proxies", proxyBody("redis"));

        assertThat(answer.status).isEqualTo(201);
        JsonObject proxy = answer.json().getAsJsonObject();
        assertThat(proxy.keySet()).containsExactly("name", "listen", "upstream", "enabled", "toxics");
        assertThat(proxy.get("listen").getAsString()).startsWith("127.0.0.1:").isNotEqualTo("127.0.0.1:0");
        assertThat(proxy.get("enabled").getAsBoolean()).isTrue();
        assertThat(proxy.getAsJsonArray("toxics")).isEmpty();
        assertThat(call("GET", "/proxies", null).json().getAsJsonObject().keySet()).containsExactly("redis");
    }

    @Test
    void errorsCarryErrorAndStatus() throws Exception {
        assertError(call("POST", "/proxies", "{\"upstream\": \"" + echo.address() + "\"}"), 400,
                "missing required field: name");
        assertError(call("POST", "/proxies", "{\"name\": \"x\"}"), 400, "missing required field: upstream");
        assertThat(call("POST", "/proxies", "{not json").status).isEqualTo(400);
        assertThat(call("POST", "/proxies", "{not json").json().getAsJsonObject().get("error").getAsString())
                .startsWith("bad request body");
        assertError(call("GET", "/proxies/missing", null), 404, "proxy not found");
        assertError(call("GET", "/proxies/missing/toxics/x", null), 404, "proxy not found");
        call("POST", "/proxies", proxyBody("redis"));
        assertError(call("POST", "/proxies", proxyBody("redis")), 409, "proxy already exists");
        assertError(call("GET", "/proxies/redis/toxics/missing", null), 404, "toxic not found");
        assertError(call("DELETE", "/proxies/redis/toxics/missing", null), 404, "toxic not found");
        assertError(call("POST", "/proxies/redis/toxics", "{\"type\": \"latency\", \"stream\": \"sideways\"}"),
                400, "stream was invalid, can be either upstream or downstream");
        assertError(call("POST", "/proxies/redis/toxics", "{\"type\": \"noop\"}"), 400, "invalid toxic type");
        assertThat(call("GET", "/nowhere", null).status).isEqualTo(404);
    }

    @Test
    void unnamedToxicIsNamedTypeUnderscoreStreamWithEveryAttribute() throws Exception {
        call("POST", "/proxies", proxyBody("redis"));

        Answer answer = call("POST", "/proxies/redis/toxics", "{\"type\": \"slicer\", \"stream\": \"UpStream\"}");

        assertThat(answer.status).isEqualTo(200);
        JsonObject toxic = answer.json().getAsJsonObject();
        assertThat(toxic.get("name").getAsString()).isEqualTo("slicer_upstream");
        assertThat(toxic.get("stream").getAsString()).isEqualTo("upstream");
        assertThat(toxic.get("toxicity").getAsFloat()).isEqualTo(1.0f);
        assertThat(toxic.getAsJsonObject("attributes").keySet())
                .containsExactly("average_size", "size_variation", "delay");
        Answer defaulted = call("POST", "/proxies/redis/toxics", "{\"type\": \"latency\"}");
        assertThat(defaulted.json().getAsJsonObject().get("name").getAsString()).isEqualTo("latency_downstream");
    }

    @Test
    void patchMergesAttributesAndKeepsToxicity() throws Exception {
        call("POST", "/proxies", proxyBody("redis"));
        call("POST", "/proxies/redis/toxics", "{\"name\": \"slow\", \"type\": \"latency\", \"toxicity\": 0.5, "
                + "\"attributes\": {\"latency\": 100, \"jitter\": 10}}");

        Answer patched = call("PATCH", "/proxies/redis/toxics/slow", "{\"attributes\": {\"latency\": 300}}");

        assertThat(patched.status).isEqualTo(200);
        JsonObject toxic = patched.json().getAsJsonObject();
        assertThat(toxic.get("toxicity").getAsFloat()).isEqualTo(0.5f);
        assertThat(toxic.getAsJsonObject("attributes").get("latency").getAsLong()).isEqualTo(300);
        assertThat(toxic.getAsJsonObject("attributes").get("jitter").getAsLong()).isEqualTo(10);

        Answer proxyPatch = call("PATCH", "/proxies/redis", "{\"enabled\": false}");
        assertThat(proxyPatch.status).isEqualTo(200);
        assertThat(proxyPatch.json().getAsJsonObject().get("enabled").getAsBoolean()).isFalse();
        assertThat(call("DELETE", "/proxies/redis/toxics/slow", null).status).isEqualTo(204);
        assertThat(call("DELETE", "/proxies/redis", null).status).isEqualTo(204);
        assertThat(call("GET", "/proxies/redis", null).status).isEqualTo(404);
    }

    @Test
    void populateValidatesEverythingFirstThenCreatesOrKeeps() throws Exception {
        String bad = "[{\"name\": \"a\", \"listen\": \"127.0.0.1:0\", \"upstream\": \"" + echo.address() + "\"},"
                + " {\"name\": \"b\"}]";
        assertError(call("POST", "/populate", bad), 400, "missing required field: upstream");
        assertThat(call("GET", "/proxies", null).json().getAsJsonObject().keySet()).isEmpty();

        String good = "[" + proxyBody("a") + ", " + proxyBody("b") + "]";
        Answer created = call("POST", "/populate", good);
        assertThat(created.status).isEqualTo(201);
        JsonArray proxies = created.json().getAsJsonObject().getAsJsonArray("proxies");
        assertThat(proxies).hasSize(2);
        String listenA = proxies.get(0).getAsJsonObject().get("listen").getAsString();
        call("POST", "/proxies/a/toxics", "{\"type\": \"latency\", \"attributes\": {\"latency\": 5}}");

        String same = "[{\"name\": \"a\", \"listen\": \"" + listenA + "\", \"upstream\": \"" + echo.address()
                + "\"}]";
        Answer kept = call("POST", "/populate", same);
        JsonObject keptA = kept.json().getAsJsonObject().getAsJsonArray("proxies").get(0).getAsJsonObject();
        assertThat(keptA.get("listen").getAsString()).isEqualTo(listenA);
        assertThat(keptA.getAsJsonArray("toxics")).as("an identical proxy keeps its toxics").hasSize(1);
    }

    @Test
    void resetAnswers204() throws Exception {
        call("POST", "/proxies", proxyBody("redis"));
        call("POST", "/proxies/redis/toxics", "{\"type\": \"timeout\"}");
        call("POST", "/proxies/redis", "{\"enabled\": false}");

        assertThat(call("POST", "/reset", null).status).isEqualTo(204);

        JsonObject proxy = call("GET", "/proxies/redis", null).json().getAsJsonObject();
        assertThat(proxy.get("enabled").getAsBoolean()).isTrue();
        assertThat(proxy.getAsJsonArray("toxics")).isEmpty();
    }

    private String proxyBody(String name) {
        return "{\"name\": \"" + name + "\", \"listen\": \"127.0.0.1:0\", \"upstream\": \"" + echo.address() + "\"}";
    }

    private static void assertError(Answer answer, int status, String message) {
        assertThat(answer.status).isEqualTo(status);
        JsonObject body = answer.json().getAsJsonObject();
        assertThat(body.get("error").getAsString()).isEqualTo(message);
        assertThat(body.get("status").getAsInt()).isEqualTo(status);
    }

    private Answer call(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }

    private static final class Answer {
        final int status;
        final String body;

        Answer(int status, String body) {
            this.status = status;
            this.body = body;
        }

        JsonElement json() {
            return JsonParser.parseString(body);
        }
    }
}
