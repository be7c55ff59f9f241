package io.resilientredis.spring.boot;

import java.util.regex.Pattern;

/** Keeps passwords out of what the starter prints. */
final class Redaction {

    private static final Pattern USERINFO = Pattern.compile("(?<=://)([^/@:]*):[^/@]*@");

    private Redaction() {
    }

    /** @return the text with the password of any {@code scheme://user:password@} part replaced by {@code ***} */
    static String url(String text) {
        if (text == null) {
            return "(unset)";
        }
        return USERINFO.matcher(text).replaceAll("$1:***@");
    }
}
