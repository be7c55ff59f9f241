package io.resilientredis.client.doctor;

import java.util.List;
import java.util.Optional;

/**
 * What {@link Doctor} found: one {@link DoctorCheck} per step of the runbook, in runbook order.
 * Immutable. Never holds a password.
 */
public final class DoctorReport {

    private final String endpoint;
    private final List<DoctorCheck> checks;

    DoctorReport(String endpoint, List<DoctorCheck> checks) {
        this.endpoint = endpoint;
        this.checks = List.copyOf(checks);
    }

    /** @return the endpoint examined, as a display name with any password redacted */
    public String endpoint() {
        return endpoint;
    }

    /** @return every check in runbook order */
    public List<DoctorCheck> checks() {
        return checks;
    }

    /**
     * @param name a check, such as {@link CheckName#AUTH}
     * @return the first check of that name (Sentinel endpoints have one {@link CheckName#SENTINEL} check per
     *     Sentinel)
     */
    public Optional<DoctorCheck> check(CheckName name) {
        return checks.stream().filter(c -> c.name() == name).findFirst();
    }

    /** @return true when no check failed (warnings and skipped checks do not fail a report) */
    public boolean passed() {
        return checks.stream().noneMatch(c -> c.status() == DoctorCheck.Status.FAIL);
    }

    /** @return 0 when {@link #passed()}, 1 when any check failed */
    public int exitCode() {
        return passed() ? 0 : 1;
    }

    /**
     * @param status the status to count
     * @return how many checks came out with that status
     */
    public long count(DoctorCheck.Status status) {
        return checks.stream().filter(c -> c.status() == status).count();
    }

    /**
     * @return a heading naming the endpoint, one line per check ({@link DoctorCheck#render()}), and a
     *     closing line counting each status
     */
    public String render() {
        StringBuilder text = new StringBuilder();
        text.append("resilient-redis doctor: ").append(endpoint).append('\n');
        for (DoctorCheck check : checks) {
            text.append(check.render()).append('\n');
        }
        text.append(String.format("result: %s (%d PASS, %d WARN, %d FAIL, %d SKIP)%n", passed() ? "OK" : "FAILED",
                count(DoctorCheck.Status.PASS), count(DoctorCheck.Status.WARN), count(DoctorCheck.Status.FAIL),
                count(DoctorCheck.Status.SKIP)));
        return text.toString();
    }

    @Override
    public String toString() {
        return render();
    }
}
