package dev.hookrun.common.kafka;

import java.util.TreeSet;

/**
 * The offsets of one partition that were handed out and not yet finished.
 *
 * <p>Records are started in offset order but finish in any order. The offset safe to commit is the
 * first unfinished one or, when nothing is outstanding, one past the highest started: every offset
 * below it is finished. Committing anything higher would lose an unfinished record if this process
 * died.
 */
final class PartitionOffsets {

  private final TreeSet<Long> unfinished = new TreeSet<>();
  private long highestStarted = -1;
  private long committed = -1;

  void started(long offset) {
    if (offset > highestStarted) {
      highestStarted = offset;
    }
    unfinished.add(offset);
  }

  void finished(long offset) {
    unfinished.remove(offset);
  }

  boolean isUnfinished(long offset) {
    return unfinished.contains(offset);
  }

  int unfinishedCount() {
    return unfinished.size();
  }

  /** The next offset to commit, or -1 when nothing new is safe to commit. */
  long committable() {
    if (highestStarted < 0) {
      return -1;
    }
    long next = unfinished.isEmpty() ? highestStarted + 1 : unfinished.first();
    return next > committed ? next : -1;
  }

  void committed(long offset) {
    if (offset > committed) {
      committed = offset;
    }
  }
}
