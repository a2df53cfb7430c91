package dev.hookrun.gateway.console;

import dev.hookrun.common.delivery.EndpointState;
import dev.hookrun.common.health.ReadinessCheck;
import dev.hookrun.ops.OpsService;
import dev.hookrun.ops.model.GroupInfo;
import dev.hookrun.ops.model.GroupsReport;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * The overview page's one answer: rates, queues, groups, dead letters, webhook endpoints per host
 * and health, with the problems spelled out first ("dispatcher: no members") so a glance tells what
 * is wrong and where.
 *
 * <p>The Kafka part (groups, dead letters) is read off the event loop and shared by every viewer
 * for {@link #KAFKA_READ_REUSE_MS}: ten open consoles cost the broker what one does.
 */
final class ConsoleOverview {

  static final long KAFKA_READ_REUSE_MS = 1_500;

  /** Lag at or past this on a stage is shown as a problem: its consumers are falling behind. */
  static final long LAG_WARNING = 100;

  private static final List<String> STAGES = List.of("scheduler", "worker", "dispatcher");

  private final Vertx vertx;
  private final OpsService ops;
  private final ConsoleSource source;
  private Future<JsonObject> kafkaRead;
  private long kafkaReadAt;

  ConsoleOverview(Vertx vertx, OpsService ops, ConsoleSource source) {
    this.vertx = vertx;
    this.ops = ops;
    this.source = source;
  }

  Future<JsonObject> overview() {
    long now = System.currentTimeMillis();
    if (kafkaRead == null || (kafkaRead.isComplete() && now - kafkaReadAt > KAFKA_READ_REUSE_MS)) {
      kafkaReadAt = now;
      kafkaRead = vertx.executeBlocking(this::readKafka, false);
    }
    return kafkaRead
        .recover(e -> Future.succeededFuture(new JsonObject().put("error", e.getMessage())))
        .map(this::assemble);
  }

  private JsonObject readKafka() {
    GroupsReport groups = ops.groups();
    int deadLetters = ops.deadLetters().list().size();
    List<EndpointState> endpoints = ops.endpoints().list(null, null);
    JsonArray disabled = new JsonArray();
    endpoints.stream().filter(EndpointState::disabled).forEach(e -> disabled.add(e.endpoint()));
    return new JsonObject()
        .put("groups", summarize(groups))
        .put("dead_letters", deadLetters)
        .put("endpoint_hosts", EndpointHosts.summarize(endpoints))
        .put("disabled_endpoints", disabled);
  }

  private static JsonArray summarize(GroupsReport report) {
    JsonArray groups = new JsonArray();
    for (GroupInfo group : report.groups()) {
      groups.add(
          new JsonObject()
              .put("group", group.groupId())
              .put("stage", group.stage())
              .put("state", group.state())
              .put("members", group.members().size())
              .put("lag", group.totalLag()));
    }
    return groups;
  }

  private JsonObject assemble(JsonObject kafka) {
    ReadinessCheck.Status readiness = source.readiness();
    JsonObject checks = readiness.details().getJsonObject("checks", new JsonObject());
    JsonObject broker = checks.getJsonObject("kafka", new JsonObject());
    JsonArray problems = new JsonArray();
    if (!broker.getBoolean("ok", false)) {
      problems.add(problem("broker", "The broker does not answer: " + broker.getString("message")));
    }
    if (kafka.containsKey("error")) {
      problems.add(
          problem("broker", "Groups and dead letters unreadable: " + kafka.getString("error")));
    }
    JsonArray groups = kafka.getJsonArray("groups", new JsonArray());
    JsonObject stages = new JsonObject();
    for (String stage : STAGES) {
      int members = 0;
      long lag = 0;
      boolean seen = false;
      for (Object o : groups) {
        JsonObject group = (JsonObject) o;
        if (stage.equals(group.getString("stage"))) {
          seen = true;
          members += group.getInteger("members");
          lag += group.getLong("lag");
        }
      }
      boolean down = !kafka.containsKey("error") && (!seen || members == 0);
      stages.put(
          stage,
          new JsonObject()
              .put("members", members)
              .put("lag", lag)
              .put("status", down ? "down" : lag >= LAG_WARNING ? "behind" : "ok"));
      if (down) {
        problems.add(problem(stage, "No " + stage + " is connected: nothing takes its records."));
      } else if (lag >= LAG_WARNING) {
        problems.add(problem(stage, stage + " is " + lag + " records behind."));
      }
    }
    Integer deadLetters = kafka.getInteger("dead_letters");
    if (deadLetters != null && deadLetters > 0) {
      problems.add(
          problem("dead-letters", deadLetters + " webhook deliveries wait in the dead letters."));
    }
    JsonArray disabled = kafka.getJsonArray("disabled_endpoints", new JsonArray());
    if (!disabled.isEmpty()) {
      problems.add(
          problem(
              "endpoints",
              (disabled.size() == 1 ? "Endpoint " : disabled.size() + " endpoints ")
                  + String.join(", ", disabled.stream().map(String::valueOf).toList())
                  + (disabled.size() == 1 ? " is" : " are")
                  + " disabled: their deliveries are dead-lettered without an attempt."));
    }
    JsonObject rates = source.rates();
    int failed = rates.getJsonObject("last_5_min").getInteger("failed");
    if (failed > 0) {
      problems.add(problem("runs", failed + " runs failed in the last 5 minutes."));
    }
    return new JsonObject()
        .put("at", java.time.Instant.now().toString())
        .put("problems", problems)
        .put(
            "health",
            new JsonObject()
                .put("broker", broker)
                .put("gateway", new JsonObject().put("ready", readiness.ready()))
                .put("stages", stages))
        .put("rates", rates)
        .put("queues", source.queues())
        .put("groups", groups)
        .put("dead_letters", deadLetters)
        .put("endpoint_hosts", kafka.getJsonArray("endpoint_hosts", new JsonArray()))
        .put("disabled_endpoints", disabled);
  }

  private static JsonObject problem(String where, String message) {
    return new JsonObject().put("where", where).put("message", message);
  }
}
