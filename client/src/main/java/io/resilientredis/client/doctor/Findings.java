package io.resilientredis.client.doctor;

import java.util.ArrayList;
import java.util.List;

/**
 * The checks of one run, in the order they came out. Every target, finding and fix passes through
 * {@link #scrub} on the way in, so a password can never reach the report.
 */
final class Findings {

    private final List<DoctorCheck> checks = new ArrayList<>();
    private final List<String> secrets = new ArrayList<>();

    /** Registers a password that must never appear in the report. */
    void secret(String secret) {
        if (secret != null && !secret.isEmpty()) {
            secrets.add(secret);
        }
    }

    void add(DoctorCheck check) {
        checks.add(new DoctorCheck(check.name(), scrub(check.target()), check.status(), scrub(check.finding()),
                check.fix().map(this::scrub).orElse(null)));
    }

    void skipAll(List<CheckName> names, String target, String reason) {
        for (CheckName name : names) {
            add(DoctorCheck.skip(name, target, "skipped: " + reason));
        }
    }

    /** @return the checks so far, in order */
    List<DoctorCheck> checks() {
        return List.copyOf(checks);
    }

    /** Replaces every known password by {@code ***}: the report must never carry one. */
    private String scrub(String text) {
        String result = text;
        for (String secret : secrets) {
            result = result.replace(secret, "***");
        }
        return result;
    }
}
