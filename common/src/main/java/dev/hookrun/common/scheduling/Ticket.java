package dev.hookrun.common.scheduling;

/**
 * A queued run and its place in line: {@code seq} grows with every add, so two runs never tie and
 * earlier-added runs go first among equals.
 */
record Ticket(QueuedRun run, long seq) {}
