package io.resilientredis.client.doctor;

import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of one step of the Redis connection runbook that {@link Doctor} walks: which check,
 * on which address, whether it passed, what was found and, for a warning or a failure, what to do.
 * Immutable. Never holds a password.
 */
public final class DoctorCheck {

    /** How a check came out. */
    public enum Status {
        /** The check passed. */
        PASS,
        /** Works now, but is a risk worth fixing; does not make the report fail. */
        WARN,
        /** Broken: the report fails and the exit code is non-zero. */
        FAIL,
        /** Not run, because an earlier check it needs failed or it does not apply. */
        SKIP
    }

    private final CheckName name;
    private final String target;
    private final Status status;
    private final String finding;
    private final String fix;

    DoctorCheck(CheckName name, String target, Status status, String finding, String fix) {
        this.name = Objects.requireNonNull(name, "name");
        this.target = target == null ? "" : target;
        this.status = Objects.requireNonNull(status, "status");
        this.finding = Objects.requireNonNull(finding, "finding");
        this.fix = fix;
    }

    static DoctorCheck pass(CheckName name, String target, String finding) {
        return new DoctorCheck(name, target, Status.PASS, finding, null);
    }

    static DoctorCheck warn(CheckName name, String target, String finding, String fix) {
        return new DoctorCheck(name, target, Status.WARN, finding, Objects.requireNonNull(fix, "fix"));
    }

    static DoctorCheck fail(CheckName name, String target, String finding, String fix) {
        return new DoctorCheck(name, target, Status.FAIL, finding, Objects.requireNonNull(fix, "fix"));
    }

    static DoctorCheck skip(CheckName name, String target, String finding) {
        return new DoctorCheck(name, target, Status.SKIP, finding, null);
    }

    /** @return which check this is, such as {@link CheckName#TCP_CONNECT} (its label is {@code "TCP connect"}) */
    public CheckName name() {
        return name;
    }

    /** @return the address the check looked at, such as {@code 10.0.0.5:6379} (empty when none applies) */
    public String target() {
        return target;
    }

    /** @return how the check came out */
    public Status status() {
        return status;
    }

    /** @return one line saying what was found, such as {@code "connected in 0.4 ms"} */
    public String finding() {
        return finding;
    }

    /** @return what to do about a {@link Status#WARN} or {@link Status#FAIL}; empty otherwise */
    public Optional<String> fix() {
        return Optional.ofNullable(fix);
    }

    /** @return the check as one line: status, name, target, finding and the fix if any */
    public String render() {
        StringBuilder line = new StringBuilder();
        line.append(String.format("%-4s  %-22s %s", status, name.label(), target.isEmpty() ? "-" : target));
        line.append("  ").append(finding);
        if (fix != null) {
            line.append("  | fix: ").append(fix);
        }
        return line.toString();
    }

    @Override
    public String toString() {
        return render();
    }
}
