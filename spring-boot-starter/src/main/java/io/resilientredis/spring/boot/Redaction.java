package io.resilientredis.spring.boot;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Keeps passwords out of what the starter prints. */
final class Redaction {

    /** The user info of {@code scheme://user:password@} or {@code scheme://password@} (a password alone). */
    private static final Pattern USERINFO = Pattern.compile("(?<=://)([^/@:,]*)(:[^/@]*)?@");

    private Redaction() {
    }

    /**
     * @return the text with the password of any {@code scheme://user:password@} part replaced by {@code ***}
     *     ({@code scheme://***@} when the user info is a password alone, as Redis URLs allow)
     */
    static String url(String text) {
        if (text == null) {
            return "(unset)";
        }
        Matcher m = USERINFO.matcher(text);
        return m.replaceAll(r -> r.group(2) != null ? Matcher.quoteReplacement(r.group(1)) + ":***@" : "***@");
    }
}
