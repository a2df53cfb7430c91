package dev.hookrun.local;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.config.ConfigException;
import dev.hookrun.testkit.SharedTestBroker;
import dev.hookrun.testkit.TestHttp;
import dev.hookrun.testkit.WebhookReceiver;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code LOCAL_PROCESSES=per-stage} runs the gateway, the worker and the dispatcher as processes of
 * their own, configured as in the one-process run, and leaves none of them behind.
 */
class StageProcessesTest {

  private final Vertx vertx = Vertx.vertx();

  @TempDir Path dir;

  @AfterEach
  void tearDown() {
    vertx.close().await();
  }

  @Test
  void eachStageRunsInAProcessOfItsOwnAndARunIsDeliveredThroughThem() {
    WebhookReceiver receiver = new WebhookReceiver(vertx);
    int port = freePort();
    // the stages' output in a file: written to this JVM's own stdout it would corrupt the test
    // runner's channel
    StageProcesses stages =
        new StageProcesses(
            env(port), ProcessBuilder.Redirect.appendTo(dir.resolve("stages.log").toFile()));
    try {
      stages.start();
      Map<String, Long> pids = stages.pids();
      assertEquals(
          List.of("worker", "scheduler", "dispatcher", "gateway"), List.copyOf(pids.keySet()));
      for (long pid : pids.values()) {
        ProcessHandle child = ProcessHandle.of(pid).orElseThrow();
        assertTrue(child.isAlive());
        assertEquals(ProcessHandle.current().pid(), child.parent().orElseThrow().pid());
      }
      // the dispatcher signs result links the gateway checks: one key for the stages that store,
      // present or serve results
      List<String> secrets =
          List.of("worker", "dispatcher", "gateway").stream()
              .map(stage -> environ(pids.get(stage)).get("RESULT_URL_SECRET"))
              .toList();
      assertTrue(secrets.get(0) != null && secrets.get(0).length() >= 16, "a key is set");
      assertEquals(List.of(secrets.get(0), secrets.get(0), secrets.get(0)), secrets);
      String banner = LocalStackMain.banner(stages, 1);
      assertTrue(banner.contains("gateway pid " + pids.get("gateway")), banner);
      assertTrue(banner.contains("http://127.0.0.1:" + port), banner);
      // the gateway's admin listener: a port this process chose and printed, /metrics there only
      int admin = stages.adminPort();
      assertTrue(admin > 0 && admin != port, "admin port " + admin);
      assertTrue(banner.contains("metrics:  http://127.0.0.1:" + admin + "/metrics"), banner);
      // the worker's health and metrics stay on this machine too
      assertEquals("127.0.0.1", environ(pids.get("worker")).get("HTTP_HOST"));

      // the development key and loopback webhooks, as in the one-process run
      TestHttp http = new TestHttp(port, LocalStackConfig.DEV_KEY);
      TestHttp.Response accepted =
          http.post(
              "/v3/p-local/webhook-delay-example/predict",
              new JsonObject()
                  .put("delayMins", 0)
                  .put("webhook_endpoint", receiver.url())
                  .encode());
      assertEquals(202, accepted.status(), accepted.json().encode());
      String runId = accepted.json().getString("run_id");
      await().atMost(Duration.ofSeconds(60)).until(() -> !receiver.deliveriesFor(runId).isEmpty());
      assertEquals("succeeded", receiver.deliveriesFor(runId).get(0).body().getString("status"));
      var metrics = new TestHttp(admin, "unused").sendRaw("GET", "/metrics", Map.of(), null);
      assertEquals(200, metrics.statusCode());
      assertTrue(metrics.body().contains("hookrun_gateway_predict_requests_total"), metrics.body());
      assertEquals(404, new TestHttp(port, "unused").get("/metrics").status());

      // a stage that dies is noticed (the run's main then stops everything)
      ProcessHandle.of(pids.get("worker")).orElseThrow().destroyForcibly();
      assertEquals("worker", stages.lost().orTimeout(30, TimeUnit.SECONDS).join());
    } finally {
      stages.stop();
      receiver.close();
    }
    for (long pid : stages.pids().values()) {
      assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "pid " + pid);
    }
  }

  @Test
  void aStageEndsWhenTheRunThatStartedItIsGone() throws Exception {
    Process run = new ProcessBuilder("sleep", "600").start();
    Map<String, String> env = env(freePort());
    ProcessBuilder builder =
        new ProcessBuilder(StageProcesses.command(run.pid(), "worker"))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("worker.log").toFile());
    builder.environment().putAll(env);
    builder.environment().put("HTTP_PORT", "0");
    Process worker = builder.start();
    try {
      assertFalse(worker.waitFor(3, TimeUnit.SECONDS), "the worker stopped on its own");
      run.destroyForcibly(); // as a SIGKILL of ./run.sh would
      assertTrue(worker.waitFor(60, TimeUnit.SECONDS), "the worker outlived its run");
    } finally {
      worker.destroyForcibly();
      run.destroyForcibly();
    }
  }

  @Test
  void aStageStartsWithTheRunsJvmOptionsButNoPortOrFileOfItsOwn() {
    assertEquals(
        List.of(
            "-XX:+UseZGC",
            "-XX:CICompilerCount=3",
            "-Xmx2g",
            "-XX:AOTCache=/tmp/run.aot",
            "-Xlog:gc",
            "-Dfoo=bar"),
        StageProcesses.inherited(
            List.of(
                "-XX:+UseZGC",
                "-XX:CICompilerCount=3",
                "-Xmx2g",
                "-XX:AOTCache=/tmp/run.aot",
                "-Xlog:gc",
                "-Xlog:gc*:file=/tmp/gc.log",
                "-XX:StartFlightRecording=filename=/tmp/run.jfr",
                "-XX:AOTCacheOutput=/tmp/run.aot",
                "-XX:ArchiveClassesAtExit=/tmp/run.jsa",
                "-agentlib:jdwp=transport=dt_socket,server=y,address=5005",
                "-javaagent:/opt/agent.jar",
                "-Dcom.sun.management.jmxremote.port=9010",
                "-Dfoo=bar")));
  }

  @Test
  void theGatewayNeedsAPortThisProcessKnows() {
    Map<String, String> env = env(0);
    ConfigException refused =
        assertThrows(
            ConfigException.class,
            () -> new StageProcesses(env, ProcessBuilder.Redirect.DISCARD).start());
    assertTrue(refused.getMessage().contains("HTTP_PORT"), refused.getMessage());
  }

  @Test
  void processesIsOneOrPerStage() {
    assertFalse(LocalStackConfig.fromEnv(Map.of()).processPerStage());
    assertTrue(
        LocalStackConfig.fromEnv(Map.of("LOCAL_PROCESSES", " Per-Stage ")).processPerStage());
    ConfigException refused =
        assertThrows(
            ConfigException.class,
            () -> LocalStackConfig.fromEnv(Map.of("LOCAL_PROCESSES", "three")));
    assertTrue(refused.getMessage().contains("LOCAL_PROCESSES"), refused.getMessage());
  }

  private Map<String, String> env(int port) {
    Map<String, String> env = new HashMap<>();
    env.put("KAFKA_BOOTSTRAP_SERVERS", SharedTestBroker.bootstrapServers());
    env.put("TOPIC_PREFIX", "apart-" + UUID.randomUUID() + ".");
    env.put("WORKER_GROUP_ID", "apart-workers-" + UUID.randomUUID());
    env.put("DISPATCHER_GROUP_ID", "apart-dispatchers-" + UUID.randomUUID());
    env.put("HTTP_PORT", String.valueOf(port));
    env.put("DATA_DIR", dir.toString());
    env.put("LOCAL_PROCESSES", "per-stage");
    env.put("LOG_LEVEL", "WARN");
    return env;
  }

  /** A process's environment, as Linux shows it to its owner. */
  private static Map<String, String> environ(long pid) {
    try {
      Map<String, String> out = new HashMap<>();
      String all = Files.readString(Path.of("/proc", Long.toString(pid), "environ"));
      for (String entry : all.split("\0")) {
        int eq = entry.indexOf('=');
        if (eq > 0) {
          out.put(entry.substring(0, eq), entry.substring(eq + 1));
        }
      }
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
