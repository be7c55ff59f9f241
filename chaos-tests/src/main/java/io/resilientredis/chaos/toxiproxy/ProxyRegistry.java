package io.resilientredis.chaos.toxiproxy;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxies of one server and every API operation on them, with Toxiproxy 2.12's rules and messages. Every
 * operation runs under this object's lock, so API calls are applied one at a time.
 */
final class ProxyRegistry {
    private static final Logger log = LoggerFactory.getLogger(ProxyRegistry.class);
    static final String DEFAULT_LISTEN = "127.0.0.1:0";

    private final ThreadTracker threads;
    private final Map<String, ProxyInstance> proxies = new TreeMap<>();
    private boolean closed;

    ProxyRegistry(ThreadTracker threads) {
        this.threads = threads;
    }

    synchronized JsonObject listProxies() {
        JsonObject all = new JsonObject();
        for (ProxyInstance proxy : proxies.values()) {
            all.add(proxy.name(), proxyJson(proxy));
        }
        return all;
    }

    synchronized JsonObject createProxy(JsonObject body) throws ApiException {
        ProxyConfig config = ProxyConfig.parse(body);
        if (proxies.containsKey(config.name)) {
            throw ApiException.conflict("proxy already exists");
        }
        return proxyJson(add(config));
    }

    /** Validates every entry first, then creates or replaces each; an identical proxy is kept with its toxics. */
    synchronized JsonObject populate(JsonElement body) throws ApiException {
        JsonArray entries;
        if (body.isJsonArray()) {
            entries = body.getAsJsonArray();
        } else if (body.isJsonObject() && body.getAsJsonObject().has("proxies")
                && body.getAsJsonObject().get("proxies").isJsonArray()) {
            entries = body.getAsJsonObject().getAsJsonArray("proxies");
        } else {
            throw ApiException.badRequest("bad request body: populate expects a JSON array of proxies");
        }
        List<ProxyConfig> configs = new ArrayList<>();
        for (JsonElement entry : entries) {
            if (!entry.isJsonObject()) {
                throw ApiException.badRequest("bad request body: each proxy must be a JSON object");
            }
            configs.add(ProxyConfig.parse(entry.getAsJsonObject()));
        }
        JsonArray result = new JsonArray();
        for (ProxyConfig config : configs) {
            ProxyInstance existing = proxies.get(config.name);
            if (existing != null && existing.upstream().equals(config.upstream)
                    && existing.enabled() == config.enabled
                    && existing.listen().equals(config.listen)) {
                result.add(proxyJson(existing));
                continue;
            }
            if (existing != null) {
                existing.disable();
                existing.setToxics(List.of());
                proxies.remove(config.name);
            }
            result.add(proxyJson(add(config)));
        }
        JsonObject answer = new JsonObject();
        answer.add("proxies", result);
        return answer;
    }

    synchronized JsonObject getProxy(String name) throws ApiException {
        return proxyJson(proxy(name));
    }

    /** A partial update: listen, upstream and enabled, each only when given. */
    synchronized JsonObject updateProxy(String name, JsonObject body) throws ApiException {
        ProxyInstance proxy = proxy(name);
        String listen = optionalString(body, "listen");
        String upstream = optionalString(body, "upstream");
        Boolean enabled = optionalBoolean(body, "enabled");
        boolean enable = enabled == null ? proxy.enabled() : enabled;
        if (!enable) {
            proxy.disable();
            if (listen != null) {
                proxy.changeListen(listen);
            }
            if (upstream != null) {
                proxy.changeUpstream(upstream);
            }
        } else if (!proxy.enabled()) {
            if (listen != null) {
                proxy.changeListen(listen);
            }
            if (upstream != null) {
                proxy.changeUpstream(upstream);
            }
            proxy.enable();
        } else {
            if (listen != null && !listen.equals(proxy.listen())) {
                proxy.changeListen(listen);
            }
            if (upstream != null && !upstream.equals(proxy.upstream())) {
                proxy.changeUpstream(upstream);
            }
        }
        return proxyJson(proxy);
    }

    synchronized void deleteProxy(String name) throws ApiException {
        ProxyInstance proxy = proxy(name);
        proxy.disable();
        proxy.setToxics(List.of());
        proxies.remove(name);
        log.info("proxy {} deleted", name);
    }

    /** Every proxy enabled again and every toxic removed; the proxies themselves are kept. */
    synchronized void reset() throws ApiException {
        ApiException failure = null;
        for (ProxyInstance proxy : proxies.values()) {
            proxy.setToxics(List.of());
            try {
                proxy.enable();
            } catch (ApiException e) {
                failure = failure == null ? e : failure;
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    synchronized JsonArray listToxics(String proxyName) throws ApiException {
        ProxyInstance proxy = proxy(proxyName);
        JsonArray all = new JsonArray();
        for (Stream stream : new Stream[] {Stream.UPSTREAM, Stream.DOWNSTREAM}) {
            for (ToxicSpec toxic : proxy.toxics()) {
                if (toxic.stream() == stream) {
                    all.add(toxicJson(toxic));
                }
            }
        }
        return all;
    }

    synchronized JsonObject createToxic(String proxyName, JsonObject body) throws ApiException {
        ProxyInstance proxy = proxy(proxyName);
        String streamName = optionalString(body, "stream");
        Stream stream = streamName == null || streamName.isEmpty() ? Stream.DOWNSTREAM : Stream.fromWire(streamName);
        if (stream == null) {
            throw ApiException.badRequest("stream was invalid, can be either upstream or downstream");
        }
        ToxicKind kind = ToxicKind.fromWire(optionalString(body, "type"));
        if (kind == null) {
            throw ApiException.badRequest("invalid toxic type");
        }
        String name = optionalString(body, "name");
        if (name == null || name.isEmpty()) {
            name = kind.wireName() + "_" + stream.wireName();
        }
        Float toxicity = optionalToxicity(body);
        Map<String, Long> attributes = attributes(body);
        for (ToxicSpec existing : proxy.toxics()) {
            if (existing.name().equals(name)) {
                throw ApiException.conflict("toxic already exists");
            }
        }
        ToxicSpec toxic = new ToxicSpec(name, kind, stream, toxicity == null ? 1.0f : toxicity, attributes);
        List<ToxicSpec> next = new ArrayList<>(proxy.toxics());
        next.add(toxic);
        proxy.setToxics(next);
        log.info("proxy {}: toxic {} added", proxyName, toxic);
        return toxicJson(toxic);
    }

    synchronized JsonObject getToxic(String proxyName, String toxicName) throws ApiException {
        return toxicJson(toxic(proxy(proxyName), toxicName));
    }

    /** Merges the given attributes into the toxic; toxicity is kept when absent. */
    synchronized JsonObject updateToxic(String proxyName, String toxicName, JsonObject body) throws ApiException {
        ProxyInstance proxy = proxy(proxyName);
        ToxicSpec current = toxic(proxy, toxicName);
        ToxicSpec updated = current.merged(attributes(body), optionalToxicity(body));
        List<ToxicSpec> next = new ArrayList<>(proxy.toxics());
        next.set(next.indexOf(current), updated);
        proxy.setToxics(next);
        log.info("proxy {}: toxic {} updated", proxyName, updated);
        return toxicJson(updated);
    }

    synchronized void deleteToxic(String proxyName, String toxicName) throws ApiException {
        ProxyInstance proxy = proxy(proxyName);
        ToxicSpec current = toxic(proxy, toxicName);
        List<ToxicSpec> next = new ArrayList<>(proxy.toxics());
        next.remove(current);
        proxy.setToxics(next);
        log.info("proxy {}: toxic {} removed", proxyName, toxicName);
    }

    /** Disables and forgets every proxy; later API calls that would bind are refused. */
    synchronized void closeAll() {
        closed = true;
        for (ProxyInstance proxy : proxies.values()) {
            proxy.disable();
            proxy.setToxics(List.of());
        }
        proxies.clear();
    }

    private ProxyInstance add(ProxyConfig config) throws ApiException {
        if (closed) {
            throw new ApiException(503, "server is shutting down");
        }
        ProxyInstance proxy = new ProxyInstance(config.name, config.listen, config.upstream, threads);
        if (config.enabled) {
            proxy.enable();
        }
        proxies.put(config.name, proxy);
        log.info("proxy {} created: listen {}, upstream {}, enabled {}", config.name, proxy.listen(),
                config.upstream, config.enabled);
        return proxy;
    }

    private ProxyInstance proxy(String name) throws ApiException {
        ProxyInstance proxy = proxies.get(name);
        if (proxy == null) {
            throw ApiException.notFound("proxy not found");
        }
        return proxy;
    }

    private static ToxicSpec toxic(ProxyInstance proxy, String name) throws ApiException {
        for (ToxicSpec toxic : proxy.toxics()) {
            if (toxic.name().equals(name)) {
                return toxic;
            }
        }
        throw ApiException.notFound("toxic not found");
    }

    static JsonObject proxyJson(ProxyInstance proxy) {
        JsonObject json = new JsonObject();
        json.addProperty("name", proxy.name());
        json.addProperty("listen", proxy.listen());
        json.addProperty("upstream", proxy.upstream());
        json.addProperty("enabled", proxy.enabled());
        JsonArray toxics = new JsonArray();
        for (ToxicSpec toxic : proxy.toxics()) {
            toxics.add(toxicJson(toxic));
        }
        json.add("toxics", toxics);
        return json;
    }

    static JsonObject toxicJson(ToxicSpec toxic) {
        JsonObject json = new JsonObject();
        json.addProperty("name", toxic.name());
        json.addProperty("type", toxic.kind().wireName());
        json.addProperty("stream", toxic.stream().wireName());
        json.addProperty("toxicity", toxic.toxicity());
        JsonObject attributes = new JsonObject();
        for (Map.Entry<String, Long> attribute : toxic.attributes().entrySet()) {
            attributes.addProperty(attribute.getKey(), attribute.getValue());
        }
        json.add("attributes", attributes);
        return json;
    }

    private static Map<String, Long> attributes(JsonObject body) throws ApiException {
        Map<String, Long> result = new LinkedHashMap<>();
        JsonElement element = body.get("attributes");
        if (element == null || element.isJsonNull()) {
            return result;
        }
        if (!element.isJsonObject()) {
            throw ApiException.badRequest("bad request body: attributes must be a JSON object");
        }
        for (Map.Entry<String, JsonElement> entry : element.getAsJsonObject().entrySet()) {
            JsonElement value = entry.getValue();
            if (value.isJsonNull()) {
                continue;
            }
            if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
                throw ApiException.badRequest("bad request body: attribute " + entry.getKey() + " must be a number");
            }
            try {
                result.put(entry.getKey(), value.getAsBigDecimal().longValueExact());
            } catch (ArithmeticException | NumberFormatException e) {
                throw ApiException.badRequest("bad request body: attribute " + entry.getKey()
                        + " must be a whole number, got " + value);
            }
        }
        return result;
    }

    private static Float optionalToxicity(JsonObject body) throws ApiException {
        JsonElement element = body.get("toxicity");
        if (element == null || element.isJsonNull()) {
            return null;
        }
        if (!element.isJsonPrimitive() || !element.getAsJsonPrimitive().isNumber()) {
            throw ApiException.badRequest("bad request body: toxicity must be a number between 0 and 1");
        }
        BigDecimal value = element.getAsBigDecimal();
        if (value.signum() < 0 || value.compareTo(BigDecimal.ONE) > 0) {
            throw ApiException.badRequest("bad request body: toxicity must be between 0 and 1, got " + value);
        }
        return value.floatValue();
    }

    static String optionalString(JsonObject body, String field) throws ApiException {
        JsonElement element = body.get(field);
        if (element == null || element.isJsonNull()) {
            return null;
        }
        if (!element.isJsonPrimitive() || !((JsonPrimitive) element).isString()) {
            throw ApiException.badRequest("bad request body: " + field + " must be a string");
        }
        return element.getAsString();
    }

    static Boolean optionalBoolean(JsonObject body, String field) throws ApiException {
        JsonElement element = body.get(field);
        if (element == null || element.isJsonNull()) {
            return null;
        }
        if (!element.isJsonPrimitive() || !((JsonPrimitive) element).isBoolean()) {
            throw ApiException.badRequest("bad request body: " + field + " must be true or false");
        }
        return element.getAsBoolean();
    }

    /** A validated proxy definition from a create or populate body. */
    private static final class ProxyConfig {
        final String name;
        final String listen;
        final String upstream;
        final boolean enabled;

        private ProxyConfig(String name, String listen, String upstream, boolean enabled) {
            this.name = name;
            this.listen = listen;
            this.upstream = upstream;
            this.enabled = enabled;
        }

        static ProxyConfig parse(JsonObject body) throws ApiException {
            String name = optionalString(body, "name");
            if (name == null || name.isEmpty()) {
                throw ApiException.badRequest("missing required field: name");
            }
            String upstream = optionalString(body, "upstream");
            if (upstream == null || upstream.isEmpty()) {
                throw ApiException.badRequest("missing required field: upstream");
            }
            String listen = optionalString(body, "listen");
            Boolean enabled = optionalBoolean(body, "enabled");
            return new ProxyConfig(name, listen == null || listen.isEmpty() ? DEFAULT_LISTEN : listen, upstream,
                    enabled == null || enabled);
        }
    }
}
