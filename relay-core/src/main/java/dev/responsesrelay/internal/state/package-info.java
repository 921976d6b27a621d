/**
 * Implementation of {@link dev.responsesrelay.state}: request resolution, recording and the list
 * shape of {@code input_items}. Not API.
 */
@NullMarked
package dev.responsesrelay.internal.state;

import org.jspecify.annotations.NullMarked;
