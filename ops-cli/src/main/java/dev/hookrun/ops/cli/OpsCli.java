package dev.hookrun.ops.cli;

import dev.hookrun.common.config.ConfigException;
import dev.hookrun.ops.OpsException;
import dev.hookrun.ops.OpsService;
import dev.hookrun.ops.model.DeadLetterView;
import dev.hookrun.ops.model.PeekQuery;
import dev.hookrun.ops.model.TopicInfo;
import dev.hookrun.ops.model.Trace;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code ./run.sh ops <command>}: the operator's view of the platform in Kafka. Exit codes: 0
 * answered, 1 Kafka unreachable, unknown topic or run, nothing found; 2 bad usage or configuration.
 *
 * <p>Over 300 lines (as formatted) on purpose: the command table and its usage text; each command
 * is a few lines calling OpsService, and the usage must stay next to the commands it describes.
 */
@Command(
    name = "ops",
    mixinStandardHelpOptions = true,
    version = "hookrun ops",
    description = "Inspect the platform's Kafka topics, consumer groups, runs and dead letters.",
    subcommands = {
      OpsCli.Topics.class,
      OpsCli.Groups.class,
      OpsCli.Peek.class,
      OpsCli.TraceRun.class,
      OpsCli.Dlq.class,
      OpsCli.Endpoints.class
    },
    footer = {
      "",
      "Kafka: --bootstrap-server, else KAFKA_BOOTSTRAP_SERVERS, else the local run's broker "
          + "(DATA_DIR/kafka/server.properties), else localhost:9092. Topics: TOPIC_PREFIX or --prefix."
    })
public final class OpsCli implements Callable<Integer> {

  public static final int OK = 0;
  public static final int FAILED = 1;
  public static final int USAGE = 2;

  private final Map<String, String> env;
  private final PrintStream out;

  OpsCli(Map<String, String> env, PrintStream out) {
    this.env = env;
    this.out = out;
  }

  public static void main(String[] args) {
    // The CLI's output is its answer: keep the platform's INFO log lines (a replay logs one per
    // run, for the services' logs) off the operator's terminal.
    ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("dev.hookrun"))
        .setLevel(ch.qos.logback.classic.Level.WARN);
    System.exit(run(args, System.getenv(), System.out, System.err));
  }

  /** Runs one command; returns the exit code (tests call this directly). */
  public static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
    CommandLine cli = new CommandLine(new OpsCli(env, out));
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    cli.setExitCodeExceptionMapper(OpsCli::exitCode);
    cli.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          if (e instanceof OpsException
              || e instanceof ConfigException
              || e instanceof CommandLine.ParameterException) {
            err.println("ops: " + e.getMessage());
          } else {
            err.println("ops: failed: " + e);
          }
          return line.getExitCodeExceptionMapper().getExitCode(e);
        });
    return cli.execute(args);
  }

  @Override
  public Integer call() {
    CommandLine.usage(this, out);
    return USAGE;
  }

  private static int exitCode(Throwable e) {
    boolean usage =
        e instanceof ConfigException
            || e instanceof CommandLine.ParameterException
            || e instanceof OpsException ops && ops.kind() == OpsException.Kind.BAD_REQUEST;
    return usage ? USAGE : FAILED;
  }

  /** Options every command takes (after the command name). */
  static final class Common {
    @Option(
        names = {"-b", "--bootstrap-server"},
        paramLabel = "HOST:PORT",
        description = "Kafka to inspect")
    String bootstrap;

    @Option(
        names = "--prefix",
        paramLabel = "PREFIX",
        description = "Topic prefix (default: TOPIC_PREFIX or hookrun.)")
    String prefix;

    @Option(names = "--json", description = "Print JSON (for scripts) instead of tables")
    boolean json;

    @Option(
        names = "--timeout",
        paramLabel = "SECONDS",
        defaultValue = "8",
        description =
            "Give up on an unanswered Kafka call after this long (default: ${DEFAULT-VALUE})")
    int timeoutSeconds;
  }

  /** Base of the commands: connects, runs the query, prints JSON or text. */
  abstract static class Query implements Callable<Integer> {
    @ParentCommand Object parent;

    @Mixin Common common;

    @Spec CommandSpec spec;

    OpsCli root() {
      if (parent instanceof Endpoints endpoints) {
        return endpoints.root();
      }
      return parent instanceof OpsCli cli ? cli : ((Dlq) parent).parent;
    }

    OpsService service() {
      CliTarget target = CliTarget.resolve(root().env, common.bootstrap, common.prefix);
      return OpsService.create(
          target.kafka(), Duration.ofSeconds(Math.max(1, common.timeoutSeconds)));
    }

    <T> int print(T answer, Function<T, Object> json, Consumer<T> text) {
      if (common.json) {
        Object j = json.apply(answer);
        root()
            .out
            .println(
                j instanceof JsonObject o ? o.encodePrettily() : ((JsonArray) j).encodePrettily());
      } else {
        text.accept(answer);
      }
      return OK;
    }

    PrintStream out() {
      return root().out;
    }
  }

  @Command(
      name = "topics",
      description =
          "Each platform topic: partitions, replication, cleanup, retention, offsets, records.")
  static final class Topics extends Query {
    @Override
    public Integer call() {
      List<TopicInfo> topics = service().topics();
      return print(
          topics,
          t -> new JsonArray(t.stream().map(TopicInfo::toJson).toList()),
          t -> TextReports.topics(t, out()));
    }
  }

  @Command(
      name = "groups",
      description = "Each stage's consumer group: state, members, per-partition offsets and lag.")
  static final class Groups extends Query {
    @Override
    public Integer call() {
      return print(service().groups(), g -> g.toJson(), g -> TextReports.groups(g, out()));
    }
  }

  @Command(
      name = "peek",
      description =
          "Records of a topic (short name like requests, results, deliveries, or full name).")
  static final class Peek extends Query {
    @Parameters(index = "0", paramLabel = "TOPIC")
    String topic;

    @Option(
        names = {"-p", "--partition"},
        description = "Only this partition")
    Integer partition;

    @Option(
        names = {"-o", "--offset"},
        description = "Start at this offset")
    Long offset;

    @Option(
        names = {"-e", "--from-end"},
        paramLabel = "N",
        description = "Start N records before each partition's end")
    Integer fromEnd;

    @Option(
        names = {"-k", "--key"},
        paramLabel = "RUN_ID",
        description = "Only records of this run (reads its partition only)")
    String key;

    @Option(
        names = {"-c", "--count"},
        defaultValue = "20",
        description = "At most this many records (default: ${DEFAULT-VALUE})")
    int count;

    @Override
    public Integer call() {
      var result = service().peek(new PeekQuery(topic, partition, offset, fromEnd, key, count));
      return print(result, r -> r.toJson(), r -> TextReports.peek(r, out()));
    }
  }

  @Command(
      name = "trace",
      description = "Every record of one run across all topics, in time order.")
  static final class TraceRun extends Query {
    @Parameters(index = "0", paramLabel = "RUN_ID")
    String runId;

    @Override
    public Integer call() {
      Trace trace = service().trace(runId);
      if (trace.entries().isEmpty()) {
        throw OpsException.notFound(
            "No record of run "
                + runId
                + " in any topic (read "
                + String.join(" ", trace.partitionsRead())
                + "). Check the run id and TOPIC_PREFIX.");
      }
      return print(trace, Trace::toJson, t -> TextReports.trace(t, out()));
    }
  }

  @Command(
      name = "dlq",
      description = "Dead-lettered webhook deliveries.",
      subcommands = {DlqList.class, DlqReplay.class, DlqPurge.class})
  static final class Dlq implements Callable<Integer> {
    @ParentCommand OpsCli parent;

    @Override
    public Integer call() {
      CommandLine.usage(this, parent.out);
      return USAGE;
    }
  }

  @Command(name = "list", description = "Every dead letter: run, when, why, how many attempts.")
  static final class DlqList extends Query {
    @Override
    public Integer call() {
      List<DeadLetterView> letters = service().deadLetters().list();
      return print(
          letters,
          l ->
              new JsonObject()
                  .put("count", l.size())
                  .put(
                      "dead_letters",
                      new JsonArray(l.stream().map(DeadLetterView::toJson).toList())),
          l -> TextReports.deadLetters(l, out()));
    }
  }

  @Command(
      name = "replay",
      description =
          "Put a dead-lettered run, all of them, or those matching filters back into webhook"
              + " delivery.")
  static final class DlqReplay extends Query {
    @Parameters(index = "0", arity = "0..1", paramLabel = "RUN_ID")
    String runId;

    @Option(names = "--all", description = "Replay every dead-lettered run")
    boolean all;

    @Option(names = "--since", paramLabel = "RFC3339", description = "Dead-lettered at or after")
    java.time.OffsetDateTime since;

    @Option(names = "--until", paramLabel = "RFC3339", description = "Dead-lettered before")
    java.time.OffsetDateTime until;

    @Option(names = "--project", description = "Of this project")
    String project;

    @Option(names = "--endpoint", paramLabel = "URL", description = "To this endpoint")
    String endpoint;

    @Option(names = "--reason", description = "For this reason, e.g. endpoint_disabled")
    String reason;

    @Override
    public Integer call() {
      boolean filtered =
          since != null || until != null || project != null || endpoint != null || reason != null;
      if ((runId != null ? 1 : 0) + (all ? 1 : 0) + (filtered ? 1 : 0) != 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "Give a RUN_ID, --all or filters (one of them).");
      }
      var store = service().deadLetters();
      var result =
          filtered
              ? store.replayMatching(
                  new dev.hookrun.ops.model.ReplayFilter(
                      since == null ? null : since.toInstant(),
                      until == null ? null : until.toInstant(),
                      project,
                      endpoint,
                      reason))
              : all ? store.replayAll() : store.replay(runId);
      return print(result, r -> r.toJson(), r -> TextReports.replayed(r, out()));
    }
  }

  @Command(
      name = "purge",
      description =
          "Drop dead letters without delivering them: the runs given, all of them, or those"
              + " matching filters. Their webhooks are never sent.")
  static final class DlqPurge extends Query {
    @Parameters(arity = "0..*", paramLabel = "RUN_ID")
    List<String> runIds = List.of();

    @Option(names = "--all", description = "Purge every dead letter")
    boolean all;

    @Option(names = "--since", paramLabel = "RFC3339", description = "Dead-lettered at or after")
    java.time.OffsetDateTime since;

    @Option(names = "--until", paramLabel = "RFC3339", description = "Dead-lettered before")
    java.time.OffsetDateTime until;

    @Option(names = "--project", description = "Of this project")
    String project;

    @Option(names = "--endpoint", paramLabel = "URL", description = "To this endpoint")
    String endpoint;

    @Option(names = "--reason", description = "For this reason, e.g. endpoint_disabled")
    String reason;

    @Override
    public Integer call() {
      var filter =
          new dev.hookrun.ops.model.ReplayFilter(
              since == null ? null : since.toInstant(),
              until == null ? null : until.toInstant(),
              project,
              endpoint,
              reason);
      boolean filtered =
          since != null || until != null || project != null || endpoint != null || reason != null;
      if ((runIds.isEmpty() ? 0 : 1) + (all ? 1 : 0) + (filtered ? 1 : 0) != 1) {
        throw new CommandLine.ParameterException(
            spec.commandLine(), "Give RUN_IDs, --all or filters (one of them).");
      }
      List<String> purged =
          service()
              .deadLetters()
              .purgeMatching(
                  letter ->
                      runIds.isEmpty() ? filter.test(letter) : runIds.contains(letter.runId()));
      return print(
          purged,
          p -> new JsonObject().put("purged", p.size()).put("runs", new JsonArray(p)),
          p -> {
            p.forEach(out()::println);
            out().printf("%d dead letter(s) purged; their webhooks are not sent%n", p.size());
          });
    }
  }

  @Command(
      name = "endpoints",
      description = "Webhook endpoints' health: success rate, failing streak, p95, disabled.",
      subcommands = {EndpointsEnable.class})
  static final class Endpoints extends Query {
    @Option(names = "--project", description = "Only this project's endpoints")
    String project;

    @Option(names = "--disabled", description = "Only disabled endpoints")
    boolean disabled;

    @Override
    public Integer call() {
      var list = service().endpoints().list(project, disabled ? Boolean.TRUE : null);
      return print(
          list,
          l ->
              new JsonObject()
                  .put("count", l.size())
                  .put("endpoints", new JsonArray(l.stream().map(s -> s.toJson()).toList())),
          l -> TextReports.endpoints(l, out()));
    }
  }

  @Command(
      name = "enable",
      description = "Enable a disabled endpoint: its deliveries go out again.")
  static final class EndpointsEnable extends Query {
    @Parameters(index = "0", paramLabel = "ENDPOINT")
    String endpoint;

    @Override
    public Integer call() {
      var state = service().endpoints().enable(endpoint);
      return print(state, s -> s.toJson(), s -> out().println("enabled " + s.endpoint()));
    }
  }
}
