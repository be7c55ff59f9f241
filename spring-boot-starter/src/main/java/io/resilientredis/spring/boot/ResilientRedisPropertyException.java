package io.resilientredis.spring.boot;

/**
 * A {@code resilient-redis.*} (or {@code spring.data.redis.*}) property the client cannot start
 * with. Thrown while the application context starts; Spring Boot's failure analysis then prints
 * the property, its value (passwords redacted) and the fix. The message never holds a password.
 */
public final class ResilientRedisPropertyException extends IllegalArgumentException {

    private static final long serialVersionUID = 1L;

    /** The property's name. */
    private final String property;
    /** Its value, passwords redacted. */
    private final String value;
    /** What is wrong with it. */
    private final String reason;
    /** How to fix it. */
    private final String fix;

    ResilientRedisPropertyException(String property, String value, String reason, String fix, Throwable cause) {
        super("Invalid property " + property + "=" + value + ": " + reason, cause);
        this.property = property;
        this.value = value;
        this.reason = reason;
        this.fix = fix;
    }

    /** @return the property's name, such as {@code resilient-redis.timeout} */
    public String property() {
        return property;
    }

    /** @return the value as given, with any password replaced by {@code ***} */
    public String value() {
        return value;
    }

    /** @return what is wrong with the value */
    public String reason() {
        return reason;
    }

    /** @return how to fix it */
    public String fix() {
        return fix;
    }
}
