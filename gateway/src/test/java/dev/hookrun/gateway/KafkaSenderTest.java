package dev.hookrun.gateway;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hookrun.common.kafka.KafkaClientProperties;
import dev.hookrun.common.kafka.KafkaSettings;
import dev.hookrun.kafka.EmbeddedKafkaBroker;
import dev.hookrun.testkit.TestEnv;
import dev.hookrun.testkit.TopicReader;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which producer a send goes through, against a real broker: the non-blocking one on the event loop
 * while it can take the record at once, the pool's otherwise, and nothing lost or left pending
 * either way.
 */
class KafkaSenderTest {

  private static final int PARTITIONS = 3;
  private static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir static Path dir;
  private static EmbeddedKafkaBroker broker;
  private static KafkaSettings kafka;
  private static int topics;

  private final List<AutoCloseable> opened = new ArrayList<>();
  private Vertx vertx;
  private WorkerExecutor pool;
  private String topic;
  private final AtomicLong now = new AtomicLong();
  private PartitionHealth health;
  private final List<String> poolSends = new CopyOnWriteArrayList<>();
  private final List<String> directSends = new CopyOnWriteArrayList<>();

  @BeforeAll
  static void startBroker() {
    broker = new EmbeddedKafkaBroker(dir, 0).start();
    kafka =
        GatewayConfig.fromEnv(TestEnv.gateway(broker.bootstrapServers(), "t-", "k=p", Map.of()))
            .kafka();
  }

  @AfterAll
  static void stopBroker() {
    broker.close();
  }

  @BeforeEach
  void setUp() throws Exception {
    vertx = Vertx.vertx();
    pool = vertx.createSharedWorkerExecutor("test-kafka-send", 2);
    health = new PartitionHealth(1_000, 2_000, now::get);
    topic = "sender-" + ++topics;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1))).all().get();
    }
  }

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
    vertx.close().await();
  }

  @Test
  void sendsOnTheEventLoopWhenTheDirectProducerKnowsTheTopic() throws Exception {
    Producer<String, String> direct = nonBlocking();
    assertTrue(KafkaSender.awaitMetadata(direct, List.of(topic), WAIT));
    KafkaSender sender = sender(direct);

    List<Future<Void>> acks = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      acks.add(onEventLoop(sender, "run-" + i, "{}"));
    }
    Future.all(acks).await();

    assertEquals(20, TopicReader.readAll(broker.bootstrapServers(), topic).size());
    assertEquals(20, directSends.size());
    assertTrue(
        directSends.stream().allMatch(t -> t.startsWith("vert.x-eventloop-thread")),
        () -> "sent from " + directSends);
    assertEquals(List.of(), poolSends, "a send the direct producer can take never hops");
    assertNoPartitionPending();
  }

  @Test
  void aSendTheDirectProducerCannotTakeAtOnceGoesThroughThePool() throws Exception {
    Producer<String, String> direct = nonBlocking(); // never asked for metadata: it has none
    KafkaSender sender = sender(direct);

    onEventLoop(sender, "run-1", "{}").await();

    assertEquals(1, poolSends.size(), "the pool's producer waited for the metadata and sent it");
    assertTrue(poolSends.get(0).startsWith("test-kafka-send"), () -> "sent from " + poolSends);
    assertEquals(List.of(), directSends);
    // the refused ask made the direct producer fetch the metadata: later sends stay on the loop
    assertTrue(KafkaSender.awaitMetadata(direct, List.of(topic), WAIT));
    onEventLoop(sender, "run-2", "{}").await();
    assertEquals(1, directSends.size());
    assertEquals(1, poolSends.size());
    assertEquals(2, TopicReader.readAll(broker.bootstrapServers(), topic).size());
    assertNoPartitionPending();
  }

  @Test
  void aRecordBothProducersRefuseFailsAsNotSentAndLeavesItsPartitionHealthy() throws Exception {
    Producer<String, String> direct = nonBlocking();
    assertTrue(KafkaSender.awaitMetadata(direct, List.of(topic), WAIT));
    KafkaSender sender = sender(direct);
    String overMaxRequestSize = "x".repeat(kafka.requestLimits().maxRecordBytes() + 1024 * 1024);

    AtomicReference<Throwable> failure = new AtomicReference<>();
    onEventLoop(sender, "run-big", overMaxRequestSize)
        .onFailure(failure::set)
        .otherwiseEmpty()
        .await();

    SendFailure sendFailure = assertInstanceOf(SendFailure.class, failure.get());
    assertEquals(SendFailure.Kind.NOT_SENT, sendFailure.kind());
    assertInstanceOf(RecordTooLargeException.class, sendFailure.getCause());
    assertEquals(1, directSends.size(), "the direct producer refused it without sending");
    assertEquals(1, poolSends.size(), "then the pool's producer had its say");
    assertNoPartitionPending();
    // and small records still go straight through
    onEventLoop(sender, "run-small", "{}").await();
    assertEquals(2, directSends.size());
  }

  private KafkaSender sender(Producer<String, String> direct) {
    Producer<String, String> patient =
        open(KafkaClientProperties.producer(kafka, "test-patient", Duration.ofSeconds(4)));
    return new KafkaSender(
        recording(patient, poolSends),
        recording(direct, directSends),
        pool,
        new KafkaAvailability(1_000, System::nanoTime),
        health,
        Duration.ofSeconds(1));
  }

  private Producer<String, String> nonBlocking() {
    return open(
        KafkaClientProperties.nonBlockingProducer(kafka, "test-direct", Duration.ofSeconds(4)));
  }

  private Producer<String, String> open(Map<String, String> properties) {
    KafkaProducer<String, String> producer =
        new KafkaProducer<>(KafkaClientProperties.asObjects(properties));
    opened.add(producer);
    return producer;
  }

  /** Sends as a request handler does: from an event loop, waiting on the returned future. */
  private Future<Void> onEventLoop(KafkaSender sender, String key, String value) {
    Context loop = vertx.getOrCreateContext();
    Promise<Void> done = Promise.promise();
    loop.runOnContext(v -> sender.send(topic, key, value).onComplete(done));
    return done.future();
  }

  /**
   * Every send the sender started was settled: had one been left pending, its partition would count
   * as stalled once the stall time has passed.
   */
  private void assertNoPartitionPending() {
    now.addAndGet(Duration.ofSeconds(1_000).toNanos());
    for (int p = 0; p < PARTITIONS; p++) {
      assertFalse(health.stalled(new TopicPartition(topic, p)), "partition " + p + " pending");
    }
  }

  /** The producer, noting the thread of every {@code send} call. */
  @SuppressWarnings("unchecked")
  private static Producer<String, String> recording(
      Producer<String, String> producer, List<String> sendThreads) {
    return (Producer<String, String>)
        Proxy.newProxyInstance(
            Producer.class.getClassLoader(),
            new Class<?>[] {Producer.class},
            (proxy, method, args) -> {
              if (method.getName().equals("send")) {
                sendThreads.add(Thread.currentThread().getName());
              }
              try {
                return method.invoke(producer, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
