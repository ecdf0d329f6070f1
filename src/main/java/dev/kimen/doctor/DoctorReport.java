package dev.kimen.doctor;

import java.util.List;

/** What {@code kimen doctor} found: one result per check, in the order they ran. Holds names, never values. */
public record DoctorReport(List<Check> checks) {

    /** Something wrong (or worth a look), and what to do about it. */
    public record Finding(String message, String hint) {}

    public enum Outcome { PASSED, FAILED, SKIPPED }

    /**
     * @param name       {@code map_lint}, {@code vault_opens}, {@code secrets_exist} or {@code vault_mode}
     * @param problems   what makes it fail; empty unless {@link Outcome#FAILED}
     * @param warnings   findings that are not problems (map warnings without {@code --strict})
     * @param detail     one line on what was checked, or why it was skipped
     */
    public record Check(String name, Outcome outcome, List<Finding> problems, List<Finding> warnings, String detail) {
        static Check judged(String name, List<Finding> problems, List<Finding> warnings, String detail) {
            return new Check(name, problems.isEmpty() ? Outcome.PASSED : Outcome.FAILED, List.copyOf(problems),
                    List.copyOf(warnings), detail);
        }

        static Check skipped(String name, String why) {
            return new Check(name, Outcome.SKIPPED, List.of(), List.of(), why);
        }

        public boolean passed() {
            return outcome == Outcome.PASSED;
        }
    }

    /** Whether every check passed (a check is skipped only because another one failed). */
    public boolean ok() {
        return checks.stream().allMatch(Check::passed);
    }

    public long problemCount() {
        return checks.stream().mapToLong(c -> c.problems().size()).sum();
    }
}
