package dev.lathe.runtime.server;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How the server runs.
 *
 * @param host the address to bind
 * @param port the port (0: any free one)
 * @param maxBatch sequences decoded together in one forward pass
 * @param queueCapacity requests that may wait for a place in the batch before 429s
 * @param drainTimeout how long a shutdown waits for running requests
 * @param adaptersDirectory subdirectories are adapters, loaded and unloaded while running (null:
 *     none)
 * @param adapterScanInterval how often that directory is looked at
 */
public record ServerSettings(
    String host,
    int port,
    int maxBatch,
    int queueCapacity,
    Duration drainTimeout,
    Path adaptersDirectory,
    Duration adapterScanInterval) {}
