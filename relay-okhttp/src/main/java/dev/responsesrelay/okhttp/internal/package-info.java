/** Implementation of the OkHttp adapter. Not API. */
@NullMarked
package dev.responsesrelay.okhttp.internal;

import org.jspecify.annotations.NullMarked;
