/** Implementation of the JDBC stores: schema migrations and row mapping. Not API. */
@NullMarked
package dev.responsesrelay.store.internal;

import org.jspecify.annotations.NullMarked;
