package dev.hookrun.ops.cli;

import dev.hookrun.ops.model.DeadLetterView;
import dev.hookrun.ops.model.GroupInfo;
import dev.hookrun.ops.model.GroupsReport;
import dev.hookrun.ops.model.PeekResult;
import dev.hookrun.ops.model.RecordView;
import dev.hookrun.ops.model.ReplayResult;
import dev.hookrun.ops.model.TopicInfo;
import dev.hookrun.ops.model.Trace;
import dev.hookrun.ops.model.TraceEntry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.time.Duration;
import java.util.List;

/** The CLI's human-readable output: aligned tables, one per question. */
final class TextReports {

  private TextReports() {}

  static void topics(List<TopicInfo> topics, PrintStream out) {
    Table table =
        new Table(
            "TOPIC",
            "PARTITIONS",
            "REPLICATION",
            "CLEANUP",
            "RETENTION",
            "START",
            "END",
            "RECORDS");
    topics.forEach(
        t ->
            table.row(
                t.name(),
                t.partitionCount(),
                t.replicationFactor(),
                t.cleanupPolicy(),
                retention(t.retentionMs()),
                t.startOffsets(),
                t.endOffsets(),
                t.records()));
    if (table.isEmpty()) {
      out.println("no topics under this prefix yet (the stages create them when they start)");
      return;
    }
    table.print(out);
  }

  static void groups(GroupsReport report, PrintStream out) {
    if (report.groups().isEmpty()) {
      out.println("no consumer group reads this platform's topics yet");
      return;
    }
    for (GroupInfo g : report.groups()) {
      out.printf(
          "GROUP %s  stage %s  state %s  members %d  lag %d%n%n",
          g.groupId(), g.stage(), g.state(), g.members().size(), g.totalLag());
      if (!g.members().isEmpty()) {
        Table members = new Table("CONSUMER-ID", "HOST", "CLIENT-ID", "#PARTITIONS", "ASSIGNED");
        g.members()
            .forEach(
                m ->
                    members.row(
                        m.consumerId(),
                        m.host(),
                        m.clientId(),
                        m.assigned().size(),
                        compact(m.assigned())));
        members.print(out);
        out.println();
      }
      Table partitions =
          new Table(
              "TOPIC",
              "PARTITION",
              "CURRENT-OFFSET",
              "LOG-END-OFFSET",
              "LAG",
              "CONSUMER-ID",
              "HOST",
              "CLIENT-ID");
      g.partitions()
          .forEach(
              p ->
                  partitions.row(
                      p.topic(),
                      p.partition(),
                      p.committed(),
                      p.end(),
                      p.lag(),
                      p.consumerId(),
                      p.host(),
                      p.clientId()));
      partitions.print(out);
      out.println();
    }
    Table stages = new Table("STAGE", "TOTAL-LAG");
    report.lagByStage().forEach(stages::row);
    stages.print(out);
  }

  static void peek(PeekResult result, PrintStream out) {
    for (RecordView r : result.records()) {
      out.printf(
          "%s  partition %d  offset %d  %s  key %s%n",
          r.shortName(), r.partition(), r.offset(), r.timestamp(), r.key() == null ? "-" : r.key());
      r.headers().forEach((k, v) -> out.printf("  header %s: %s%n", k, v));
      Object json = r.jsonValue();
      String value =
          json instanceof JsonObject o
              ? o.encodePrettily()
              : json instanceof JsonArray a ? a.encodePrettily() : String.valueOf(r.value());
      out.println(indent(value));
      out.println();
    }
    out.printf(
        "%d record(s) from %s (%d scanned)%s%n",
        result.records().size(),
        result.topic(),
        result.scanned(),
        result.complete() ? "" : "; stopped at the read budget before the end");
  }

  static void trace(Trace trace, PrintStream out) {
    out.printf(
        "run %s: %d record(s); partitions read: %s%n%n",
        trace.runId(), trace.entries().size(), String.join(" ", trace.partitionsRead()));
    Table table = new Table("TIME", "TOPIC", "PARTITION", "OFFSET", "STAGE", "EVENT");
    for (TraceEntry e : trace.entries()) {
      table.row(
          e.record().timestamp(),
          e.record().shortName(),
          e.record().partition(),
          e.record().offset(),
          e.stage(),
          e.event());
    }
    if (!table.isEmpty()) {
      table.print(out);
    }
    if (!trace.progress().isEmpty()) {
      out.println();
      Table consumed =
          new Table(
              "TOPIC", "PARTITION", "OFFSET", "GROUP", "COMMITTED", "PROCESSED", "PARTITION-OWNER");
      trace
          .progress()
          .forEach(
              p ->
                  consumed.row(
                      p.topic(),
                      p.partition(),
                      p.offset(),
                      p.group(),
                      p.committed(),
                      p.processed() ? "yes" : "no (queued or in progress)",
                      p.owner()));
      consumed.print(out);
    }
  }

  static void deadLetters(List<DeadLetterView> letters, PrintStream out) {
    if (letters.isEmpty()) {
      out.println("no dead letters");
      return;
    }
    Table table =
        new Table(
            "RUN-ID", "DEAD-LETTERED-AT", "PARTITION", "OFFSET", "ATTEMPTS", "REASON", "ENDPOINT");
    letters.forEach(
        d ->
            table.row(
                d.runId(),
                d.record().timestamp(),
                d.record().partition(),
                d.record().offset(),
                d.attempts(),
                d.reason(),
                d.endpoint()));
    table.print(out);
    out.printf("%n%d dead letter(s)%n", letters.size());
  }

  static void endpoints(
      List<dev.hookrun.common.delivery.EndpointState> endpoints, PrintStream out) {
    if (endpoints.isEmpty()) {
      out.println("no endpoints");
      return;
    }
    Table table =
        new Table(
            "ENDPOINT",
            "PROJECT",
            "STATE",
            "ATTEMPTS",
            "SUCCESS",
            "FAILING",
            "P95-MS",
            "LAST-SUCCESS");
    endpoints.forEach(
        e ->
            table.row(
                e.endpoint(),
                e.project(),
                e.disabled() ? "disabled" : "enabled",
                e.attempts(),
                e.successRate() == null ? null : String.format("%.1f%%", 100 * e.successRate()),
                e.consecutiveFailures(),
                e.latencyP95Ms(),
                e.lastSuccessAt()));
    table.print(out);
  }

  static void replayed(ReplayResult result, PrintStream out) {
    if (result.replayed().isEmpty()) {
      out.println("nothing to replay");
      return;
    }
    Table table = new Table("RUN-ID", "FROM", "TO");
    result.replayed().forEach(r -> table.row(r.runId(), r.from(), r.to()));
    table.print(out);
    out.printf("%n%d run(s) put back into webhook delivery%n", result.replayed().size());
  }

  /** "requests/0", "requests/1", "requests/2", "requests/5" as "requests/0-2,5". */
  static String compact(List<String> partitions) {
    java.util.Map<String, java.util.TreeSet<Integer>> byTopic = new java.util.LinkedHashMap<>();
    for (String p : partitions) {
      int slash = p.lastIndexOf('/');
      byTopic
          .computeIfAbsent(p.substring(0, slash), t -> new java.util.TreeSet<>())
          .add(Integer.parseInt(p.substring(slash + 1)));
    }
    List<String> parts = new java.util.ArrayList<>();
    byTopic.forEach(
        (topic, numbers) -> {
          List<String> ranges = new java.util.ArrayList<>();
          Integer start = null;
          Integer prev = null;
          for (int n : numbers) {
            if (prev != null && n == prev + 1) {
              prev = n;
              continue;
            }
            if (start != null) {
              ranges.add(start.equals(prev) ? "" + start : start + "-" + prev);
            }
            start = n;
            prev = n;
          }
          if (start != null) {
            ranges.add(start.equals(prev) ? "" + start : start + "-" + prev);
          }
          parts.add(topic + "/" + String.join(",", ranges));
        });
    return String.join(" ", parts);
  }

  static String retention(long ms) {
    if (ms < 0) {
      return "forever";
    }
    Duration d = Duration.ofMillis(ms);
    if (ms % 86_400_000 == 0) {
      return d.toDays() + "d";
    }
    if (ms % 3_600_000 == 0) {
      return d.toHours() + "h";
    }
    if (ms % 60_000 == 0) {
      return d.toMinutes() + "m";
    }
    return ms + "ms";
  }

  private static String indent(String text) {
    return "  " + text.replace("\n", "\n  ");
  }
}
