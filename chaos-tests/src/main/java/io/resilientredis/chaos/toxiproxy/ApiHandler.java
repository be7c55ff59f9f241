package io.resilientredis.chaos.toxiproxy;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Toxiproxy's HTTP API routed onto a {@link ProxyRegistry}. Bodies are read as JSON whatever their content
 * type (the Java client sends none); every error is answered as {@code {"error": "...", "status": N}}.
 */
final class ApiHandler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

    private final ProxyRegistry registry;
    private final String version;

    ApiHandler(ProxyRegistry registry, String version) {
        this.registry = registry;
        this.version = version;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String method = exchange.getRequestMethod().toUpperCase(java.util.Locale.ROOT);
            List<String> path = segments(exchange.getRequestURI().getRawPath());
            try {
                route(exchange, method, path, body);
            } catch (ApiException e) {
                sendError(exchange, e.status(), e.getMessage());
            } catch (RuntimeException e) {
                log.warn("toxiproxy API {} {} failed", method, exchange.getRequestURI(), e);
                sendError(exchange, 500, "internal error: " + e);
            }
        }
    }

    private void route(HttpExchange exchange, String method, List<String> path, byte[] body)
            throws IOException, ApiException {
        int size = path.size();
        String root = size == 0 ? "" : path.get(0);
        if (size == 1 && root.equals("version")) {
            requireMethod(method, "GET");
            JsonObject answer = new JsonObject();
            answer.addProperty("version", version);
            send(exchange, 200, answer);
        } else if (size == 1 && root.equals("reset")) {
            requireMethod(method, "POST");
            registry.reset();
            sendEmpty(exchange);
        } else if (size == 1 && root.equals("populate")) {
            requireMethod(method, "POST");
            send(exchange, 201, registry.populate(parse(body)));
        } else if (size >= 1 && root.equals("proxies")) {
            routeProxies(exchange, method, path, body);
        } else {
            throw ApiException.notFound("not found: no API route for /" + String.join("/", path));
        }
    }

    private void routeProxies(HttpExchange exchange, String method, List<String> path, byte[] body)
            throws IOException, ApiException {
        int size = path.size();
        if (size == 1) {
            if (method.equals("GET")) {
                send(exchange, 200, registry.listProxies());
            } else {
                requireMethod(method, "POST");
                send(exchange, 201, registry.createProxy(object(body)));
            }
            return;
        }
        String proxy = path.get(1);
        if (size == 2) {
            switch (method) {
                case "GET":
                    send(exchange, 200, registry.getProxy(proxy));
                    return;
                case "POST":
                case "PATCH":
                    send(exchange, 200, registry.updateProxy(proxy, object(body)));
                    return;
                case "DELETE":
                    registry.deleteProxy(proxy);
                    sendEmpty(exchange);
                    return;
                default:
                    throw methodNotAllowed(method);
            }
        }
        if (!path.get(2).equals("toxics") || size > 4) {
            throw ApiException.notFound("not found: no API route for /" + String.join("/", path));
        }
        if (size == 3) {
            if (method.equals("GET")) {
                send(exchange, 200, registry.listToxics(proxy));
            } else {
                requireMethod(method, "POST");
                send(exchange, 200, registry.createToxic(proxy, object(body)));
            }
            return;
        }
        String toxic = path.get(3);
        switch (method) {
            case "GET":
                send(exchange, 200, registry.getToxic(proxy, toxic));
                return;
            case "POST":
            case "PATCH":
                send(exchange, 200, registry.updateToxic(proxy, toxic, object(body)));
                return;
            case "DELETE":
                registry.deleteToxic(proxy, toxic);
                sendEmpty(exchange);
                return;
            default:
                throw methodNotAllowed(method);
        }
    }

    private static void requireMethod(String method, String expected) throws ApiException {
        if (!method.equals(expected)) {
            throw methodNotAllowed(method);
        }
    }

    private static ApiException methodNotAllowed(String method) {
        return new ApiException(405, "method " + method + " not allowed on this route");
    }

    private static JsonElement parse(byte[] body) throws ApiException {
        String text = new String(body, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            throw ApiException.badRequest("bad request body: empty, expected JSON");
        }
        try {
            return JsonParser.parseString(text);
        } catch (JsonParseException e) {
            throw ApiException.badRequest("bad request body: " + e.getMessage());
        }
    }

    private static JsonObject object(byte[] body) throws ApiException {
        JsonElement element = parse(body);
        if (!element.isJsonObject()) {
            throw ApiException.badRequest("bad request body: expected a JSON object");
        }
        return element.getAsJsonObject();
    }

    private static List<String> segments(String rawPath) {
        List<String> segments = new ArrayList<>();
        for (String segment : rawPath.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8));
            }
        }
        return segments;
    }

    private static void send(HttpExchange exchange, int status, JsonElement json) throws IOException {
        byte[] bytes = json.toString().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sendEmpty(HttpExchange exchange) throws IOException {
        exchange.sendResponseHeaders(204, -1);
    }

    private static void sendError(HttpExchange exchange, int status, String message) throws IOException {
        JsonObject error = new JsonObject();
        error.addProperty("error", message);
        error.addProperty("status", status);
        send(exchange, status, error);
    }
}
