package io.resilientredis.spring.gadget;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for a deserialization gadget: a class outside the trusted packages that counts every
 * time a deserializer builds one (by constructor, setter or Java serialization's readObject).
 */
public class Gadget implements Serializable {

    private static final long serialVersionUID = 1L;

    /** Instances built by a deserializer. */
    public static final AtomicInteger BUILT = new AtomicInteger();

    private String command;

    /** Jackson's constructor. */
    public Gadget() {
        BUILT.incrementAndGet();
    }

    /** @param command anything */
    public Gadget(String command) {
        this.command = command;
    }

    /** @return the command */
    public String getCommand() {
        return command;
    }

    /** @param command the command */
    public void setCommand(String command) {
        BUILT.incrementAndGet();
        this.command = command;
    }

    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        BUILT.incrementAndGet();
        in.defaultReadObject();
    }
}
