/**
 * Implementation of the relay core. Not API: application code should not use the contents of this
 * package, which may change in any release.
 */
@NullMarked
package dev.responsesrelay.internal;

import org.jspecify.annotations.NullMarked;
