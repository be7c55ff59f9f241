package io.resilientredis.client.internal.resp;

/**
 * An error reply ({@code -ERR ...}, {@code -NOAUTH ...}) as Redis sent it. {@link RespReader} returns
 * it as a value, at the top of a reply or inside an array, so a caller can report it word for word.
 *
 * @param message the error line without its leading {@code -}
 */
public record RespError(String message) {

    /** @return the first word, such as {@code NOAUTH} or {@code WRONGPASS} */
    public String code() {
        int space = message.indexOf(' ');
        return space < 0 ? message : message.substring(0, space);
    }

    @Override
    public String toString() {
        return message;
    }
}
