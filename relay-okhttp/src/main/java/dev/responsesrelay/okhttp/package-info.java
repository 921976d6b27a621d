/** Public API of the OkHttp adapter: connects a {@code ResponsesTranslator} to a real upstream. */
@NullMarked
package dev.responsesrelay.okhttp;

import org.jspecify.annotations.NullMarked;
