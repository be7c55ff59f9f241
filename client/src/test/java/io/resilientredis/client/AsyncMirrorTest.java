package io.resilientredis.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.Test;

/**
 * The sync facade and {@code async()} offer the same operations: every public operation of
 * {@link RedisView} (which {@link ResilientRedis} is, for strings) has an {@link AsyncRedisView} method of
 * the same name and parameters returning a {@code CompletionStage} of the sync method's type, and the other
 * way round; the same holds for operations the string classes ({@link ResilientRedis}, {@link AsyncRedis})
 * declare themselves. The client's own lifecycle and status methods are not operations.
 */
class AsyncMirrorTest {

    /** Methods of the sync facade that are about the client, not Redis operations. */
    private static final Set<String> NOT_OPERATIONS = Set.of("builder", "async", "status", "maintenance",
            "awaitSpillDrained", "close", "queue", "redisson", "toString", "equals", "hashCode", "getClass", "notify",
            "notifyAll", "wait", "withCodecs", "batch");

    @Test
    void everySyncOperationHasItsAsyncMirrorAndBack() {
        List<String> missing = new ArrayList<>();
        missing.addAll(unmirrored(RedisView.class, AsyncRedisView.class));
        missing.addAll(unmirrored(ResilientRedis.class, AsyncRedis.class));
        assertThat(missing).isEmpty();
        assertThat(operations(RedisView.class)).as("the check sees the operations").hasSizeGreaterThan(40);
    }

    @Test
    void theStringClientHasEveryOperationOfTheView() throws Exception {
        // ResilientRedis and AsyncRedis are the views for strings: each operation is theirs, typed String.
        Method set = ResilientRedis.class.getMethod("set", Object.class, Object.class);
        assertThat(set.getDeclaringClass()).isEqualTo(RedisView.class);
        assertThat(AsyncRedis.class.getMethod("zincrBy", Object.class, double.class, Object.class)
                .getDeclaringClass()).isEqualTo(AsyncRedisView.class);
        assertThat(ResilientRedis.class.getGenericSuperclass().getTypeName())
                .isEqualTo(RedisView.class.getName() + "<java.lang.String, java.lang.String>");
        assertThat(AsyncRedis.class.getGenericSuperclass().getTypeName())
                .isEqualTo(AsyncRedisView.class.getName() + "<java.lang.String, java.lang.String>");
    }

    private static List<String> unmirrored(Class<?> syncType, Class<?> asyncType) {
        List<String> missing = new ArrayList<>();
        for (Method sync : operations(syncType)) {
            Method async = find(asyncType, sync);
            if (async == null) {
                missing.add("async() lacks " + describe(sync));
            } else if (!mirrors(sync.getGenericReturnType(), async.getGenericReturnType())) {
                missing.add("async " + describe(async) + " returns " + async.getGenericReturnType()
                        + ", not a CompletionStage of " + sync.getGenericReturnType());
            }
        }
        for (Method async : operations(asyncType)) {
            if (find(syncType, async) == null) {
                missing.add("the sync facade lacks " + describe(async));
            }
        }
        return missing;
    }

    @Test
    void theCheckCatchesAMissingMirror() {
        // A positive control: a class whose only operation has no async twin is reported.
        assertThat(find(AsyncRedisView.class, method(Control.class, "frobnicate"))).isNull();
        assertThat(unmirrored(Control.class, AsyncRedisView.class)).contains(
                "async() lacks frobnicate[class java.lang.String]");
    }

    /** A class with an operation no mirror has. */
    static final class Control {
        public String frobnicate(String key) {
            return key;
        }
    }

    private static List<Method> operations(Class<?> type) {
        List<Method> out = new ArrayList<>();
        for (Method m : type.getMethods()) {
            if (m.getDeclaringClass() == type && Modifier.isPublic(m.getModifiers())
                    && !Modifier.isStatic(m.getModifiers()) && !NOT_OPERATIONS.contains(m.getName())) {
                out.add(m);
            }
        }
        return out;
    }

    private static Method find(Class<?> type, Method like) {
        try {
            Method m = type.getMethod(like.getName(), like.getParameterTypes());
            return m.getDeclaringClass() == type ? m : null;
        } catch (NoSuchMethodException e) {
            return null;
        }
    }

    private static Method method(Class<?> type, String name) {
        return Arrays.stream(type.getMethods()).filter(m -> m.getName().equals(name)).findFirst().orElseThrow();
    }

    private static boolean mirrors(Type sync, Type async) {
        if (!(async instanceof ParameterizedType p) || p.getRawType() != CompletionStage.class) {
            return false;
        }
        return p.getActualTypeArguments()[0].getTypeName().equals(boxed(sync).getTypeName());
    }

    /** The sync facade unboxes a few replies ({@code boolean exists}, {@code long llen}). */
    private static Type boxed(Type t) {
        if (t == boolean.class) {
            return Boolean.class;
        }
        if (t == long.class) {
            return Long.class;
        }
        if (t == double.class) {
            return Double.class;
        }
        if (t == int.class) {
            return Integer.class;
        }
        return t;
    }

    private static String describe(Method m) {
        return m.getName() + Arrays.toString(m.getParameterTypes());
    }
}
