package io.resilientredis.spring.boot;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The classes a cache value may be read back as: classes in the trusted packages (the application's
 * own, and any configured), JDK value types, {@code java.time} types and the JDK's collections and
 * maps (and their entries). Anything else is refused before it is instantiated, so a value planted in Redis cannot make
 * the application build an arbitrary class (a deserialization "gadget").
 */
final class TrustedTypes {

    private static final Set<String> JDK_VALUES = Set.of("java.lang.String", "java.lang.Boolean",
            "java.lang.Character", "java.lang.Byte", "java.lang.Short", "java.lang.Integer", "java.lang.Long",
            "java.lang.Float", "java.lang.Double", "java.math.BigDecimal", "java.math.BigInteger",
            "java.util.UUID", "java.util.Date", "java.util.Locale", "java.util.Currency", "java.net.URI");

    private final List<String> prefixes;

    /** @param packages trusted package names; their subpackages are trusted too */
    TrustedTypes(Collection<String> packages) {
        List<String> p = new ArrayList<>();
        for (String name : packages) {
            String n = name == null ? "" : name.strip();
            if (n.endsWith(".")) {
                n = n.substring(0, n.length() - 1);
            }
            if (!n.isEmpty()) {
                p.add(n + ".");
            }
        }
        this.prefixes = List.copyOf(p);
    }

    /** @return the trusted package prefixes, each ending in a dot */
    List<String> prefixes() {
        return prefixes;
    }

    /**
     * @param className a class name, before the class is loaded
     * @return true when trusted by name alone
     */
    boolean trustedByName(String className) {
        if (JDK_VALUES.contains(className)) {
            return true;
        }
        for (String p : prefixes) {
            if (className.startsWith(p)) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param className a class name, before the class is loaded
     * @return true when the class may be trusted once loaded (a JDK collection, a time type, an array),
     *         so loading it to look is harmless; false when it is refused without loading it
     */
    boolean worthLoading(String className) {
        return className.startsWith("java.util.") || className.startsWith("java.time.")
                || className.startsWith("[") || className.endsWith("[]");
    }

    /**
     * @param type a loaded class
     * @return true when values of it may be built
     */
    boolean trusted(Class<?> type) {
        if (type.isArray()) {
            return trusted(type.getComponentType());
        }
        if (type.isPrimitive() || trustedByName(type.getName())) {
            return true;
        }
        boolean jdk = type.getClassLoader() == null;
        if (jdk && type.getName().startsWith("java.time.")) {
            return true;
        }
        return jdk && type.getName().startsWith("java.util.")
                && (Collection.class.isAssignableFrom(type) || Map.class.isAssignableFrom(type)
                        || Map.Entry.class.isAssignableFrom(type));
    }
}
