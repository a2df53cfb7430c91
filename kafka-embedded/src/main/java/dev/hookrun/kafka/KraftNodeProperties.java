package dev.hookrun.kafka;

import java.nio.file.Path;
import java.util.Properties;

/**
 * The properties every KRaft node started here shares, whether it is the single development broker
 * or one node of a local cluster: combined broker and controller on loopback, internal topics sized
 * for the replication, groups that start at once and no topic created by accident.
 */
final class KraftNodeProperties {

  private KraftNodeProperties() {}

  /**
   * @param voters the controller quorum, {@code id@host:port,...}
   * @param replication replication factor of the internal and default topics; {@code minIsr} their
   *     min ISR
   */
  static Properties of(
      int nodeId,
      String voters,
      int brokerPort,
      int controllerPort,
      Path logDir,
      int replication,
      int minIsr) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", Integer.toString(nodeId));
    p.put("controller.quorum.voters", voters);
    p.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", logDir.toString());
    p.put("offsets.topic.replication.factor", Integer.toString(replication));
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", Integer.toString(replication));
    p.put("transaction.state.log.min.isr", Integer.toString(minIsr));
    p.put("share.coordinator.state.topic.replication.factor", Integer.toString(replication));
    p.put("share.coordinator.state.topic.min.isr", Integer.toString(minIsr));
    p.put("default.replication.factor", Integer.toString(replication));
    p.put("min.insync.replicas", Integer.toString(minIsr));
    // Consumers join a group at once instead of waiting for more members: faster tests and start.
    p.put("group.initial.rebalance.delay.ms", "0");
    // The cleaner's dedupe buffer defaults to 128 MB; 2 MB keeps compaction working at a
    // fraction of the memory for a development broker.
    p.put("log.cleaner.dedupe.buffer.size", "2097152");
    // A segment's offset and time indexes are sparse files of this size, memory-mapped: the first
    // write to one faults it in with the disk's readahead, and the kernel zero-fills every hole it
    // reads. With Kafka's 10 MiB and a virtual disk's 8 MiB readahead that was ~800 MB of memset on
    // the request handlers when the platform's ~40 busy partitions took their first records, a
    // ~0.5 s stall of the first predicts after ready (docs/PERFORMANCE.md, "What the defaults rest
    // on"). 1 MiB still holds 131,072 offset entries, a segment of ~350 MB of records before the
    // time index rolls it.
    p.put("log.index.size.max.bytes", Integer.toString(1024 * 1024));
    p.put("auto.create.topics.enable", "false");
    // A deleted topic's or segment's files leave the disk a second later instead of Kafka's
    // minute: nothing reads a deleted segment for that long on these brokers (a fetch takes
    // milliseconds), and removing ~100 MB of deleted segments a minute late, on a disk mounted
    // with discard, was measured stalling a paced load for 3 s (docs/PERFORMANCE.md, "What the
    // defaults rest on").
    p.put("log.segment.delete.delay.ms", "1000");
    // Let tests and the chaos run use session timeouts down to 3 s.
    p.put("group.min.session.timeout.ms", "3000");
    // Share groups (the workers): a new member gets its partitions on its first heartbeat, which
    // Kafka spaces 5 s apart by default, and a member silent for 45 s is fenced. A worker that
    // joins should take work within a second, and a dead one's unsettled records go on after its
    // record lock anyway; these bounds let the group settle at the pace of the platform's own tests
    // and local runs.
    p.put("group.share.min.heartbeat.interval.ms", "500");
    p.put("group.share.heartbeat.interval.ms", "500");
    p.put("group.share.min.session.timeout.ms", "3000");
    p.put("group.share.session.timeout.ms", "10000");
    p.put("group.share.assignment.interval.ms", "100");
    return p;
  }
}
