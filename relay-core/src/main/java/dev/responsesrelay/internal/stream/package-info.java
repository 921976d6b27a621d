/**
 * The answer side of the pipeline: each upstream Chat Completions chunk read into one normalised
 * chunk ({@link dev.responsesrelay.internal.stream.ChunkReader}), run through the explicit state
 * machine ({@link dev.responsesrelay.internal.stream.StreamMachine}) and written as Responses events
 * ({@link dev.responsesrelay.internal.stream.EventWriter}). Not API.
 */
@NullMarked
package dev.responsesrelay.internal.stream;

import org.jspecify.annotations.NullMarked;
