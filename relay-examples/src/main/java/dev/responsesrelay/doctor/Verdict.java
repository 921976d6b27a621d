package dev.responsesrelay.doctor;

/** How one check of {@code doctor} ended. */
public enum Verdict {
    /** The upstream does what the relay needs. */
    PASS,
    /** It works, with a limitation the user should know about (and usually a flag to pass). */
    WARN,
    /** The relay cannot serve Codex from this upstream as it is; the exit status is non-zero. */
    FAIL,
    /** Not run, because an earlier check failed or it does not apply. */
    SKIP
}
