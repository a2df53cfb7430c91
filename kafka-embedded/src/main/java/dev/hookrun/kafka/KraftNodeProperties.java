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
    p.put("auto.create.topics.enable", "false");
    // Let tests and the chaos run use session timeouts down to 3 s.
    p.put("group.min.session.timeout.ms", "3000");
    return p;
  }
}
