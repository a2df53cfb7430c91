package dev.hookrun.scheduler;

/**
 * This scheduler's part of the workers' room, by the share of the requests topic's partitions it
 * owns: with several schedulers each releases only its part, so together they fill the room once.
 * Its own class because it is arithmetic on two numbers that change only on a rebalance.
 */
final class PartitionShare {

  private int ownedPartitions = 1;
  private int totalPartitions = 1;

  /** This scheduler owns {@code owned} of the requests topic's {@code total} partitions. */
  void own(int owned, int total) {
    this.ownedPartitions = owned;
    this.totalPartitions = Math.max(1, total);
  }

  /** This scheduler's part of {@code whole}, by the partitions it owns, rounded up. */
  int of(long whole) {
    if (ownedPartitions >= totalPartitions) {
      return (int) Math.min(Integer.MAX_VALUE, whole);
    }
    return (int)
        Math.min(
            Integer.MAX_VALUE, (whole * ownedPartitions + totalPartitions - 1) / totalPartitions);
  }
}
