package dev.responsesrelay;

/**
 * Told each time the stream translator repairs a non-conforming upstream. The core does no logging;
 * servers log these at debug level. Called on the thread that feeds the stream; must not throw.
 */
@FunctionalInterface
public interface HealingListener {
    /** A listener that ignores everything. */
    HealingListener NONE = (rule, detail) -> {};

    /** {@code rule} fired; {@code detail} says where, in a few words. */
    void onHealed(HealingRule rule, String detail);
}
