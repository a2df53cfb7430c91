package dev.hookrun.common.kafka;

import dev.hookrun.common.metrics.Meters;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka group member polling on its own thread and handing records to a Vert.x context.
 *
 * <p>Why not the Vert.x {@code KafkaConsumer}: a stage must commit what it finished <em>inside</em>
 * the rebalance callback, before its partitions move, or the new owner re-runs finished work. The
 * Vert.x client runs its revoke handler asynchronously after the rebalance. Here the poll thread
 * asks the stage (on the stage's context, so stage state stays single-threaded) for its committable
 * offsets and commits them synchronously while it still owns the partitions.
 *
 * <p>Back-pressure never stops polling: {@link #setPaused} pauses the assigned partitions in the
 * Kafka consumer, which keeps calling poll (so {@code max.poll.interval.ms} is never exceeded
 * however long a run takes) but fetches nothing until resumed. At most one batch is in flight
 * towards the context, so a slow stage is never buried in records.
 *
 * <p>{@link #pausePartition} holds back one partition on its own (a retry tier waiting for its head
 * record to fall due) without touching the others; it stays held whatever {@link #setPaused} says,
 * until {@link #resumePartition} or until the partition leaves this member.
 *
 * <p>What is not a group member's own lives beside it: the thread, its start and stop, and the
 * error policy every reader shares ({@link PollThread}); which partitions to fetch ({@link
 * FetchGate}); what to do with a record whose handler threw ({@link FailedRecords}); member lag
 * ({@link MemberLagSampler}); handing a batch to the context ({@link BatchHandOff}). What stays is
 * what drives the one {@code KafkaConsumer} from other threads (queued tasks and commits) and the
 * rebalance callbacks. That is still over 300 lines, on purpose: the callbacks read and change the
 * assignment, the gate and the counters that the tasks and the stage see, all around a consumer
 * that is not thread-safe; split across classes, each would have to know which thread may touch
 * what, which is the one thing this class is for.
 */
public final class ConsumerLoop {

  /** Callbacks, all invoked on the owner's context. */
  public interface Listener {
    /**
     * Called once, at the end of the loop's constructor (before {@link #start}): a listener that
     * pauses or commits through its loop keeps it here, so loop and listener are wired in one step.
     */
    default void onAttached(ConsumerLoop loop) {}

    void onRecords(List<ConsumerRecord<String, String>> records);

    /** Partitions are about to go: answer the offsets to commit for them (may be empty). */
    Future<Map<TopicPartition, OffsetAndMetadata>> onRevoked(Set<TopicPartition> partitions);

    default void onAssigned(Set<TopicPartition> partitions) {}

    /** Partitions were taken away without a chance to commit (session expired). */
    default void onLost(Set<TopicPartition> partitions) {}

    /**
     * Handling {@code record} threw (the rest of its batch goes on). Settle it the stage's way (the
     * dispatcher dead-letters it) and complete; the record's offset is then finished by the stage's
     * {@link OffsetCommitter}. A failed future leaves the offset unfinished.
     */
    default Future<Void> onRecordFailed(
        ConsumerRecord<String, String> record, RuntimeException error) {
      return Future.succeededFuture();
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);

  /**
   * How long a revoke may wait for the stage (a draining worker lets runs finish first). It must
   * stay under the rebalance timeout (max.poll.interval.ms), or the group evicts this member.
   */
  private static final long REVOKE_TIMEOUT_MS = 4 * 60_000;

  private final Context context;
  private final Map<String, Object> config;
  private final Collection<String> topics;
  private final Listener listener;
  private final String name;
  private final ConcurrentLinkedQueue<Consumer<KafkaConsumer<String, String>>> tasks =
      new ConcurrentLinkedQueue<>();
  private final java.util.concurrent.atomic.AtomicInteger revokedCount =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicInteger lostCount =
      new java.util.concurrent.atomic.AtomicInteger();
  private final FailedRecords failures;
  private volatile boolean joined;
  private final FetchGate gate = new FetchGate();
  private volatile Set<TopicPartition> assignment = Set.of();
  private final PollThread thread;
  private volatile KafkaConsumer<String, String> consumer;
  private MemberLagSampler lagSampler = MemberLagSampler.off();

  public ConsumerLoop(
      Context context,
      Map<String, String> config,
      Collection<String> topics,
      Listener listener,
      String name) {
    this.context = context;
    this.config = KafkaClientProperties.asObjects(config);
    this.topics = List.copyOf(topics);
    this.listener = listener;
    this.name = name;
    this.failures = new FailedRecords(listener, name, groupOrName());
    this.thread =
        new PollThread(
            context,
            name,
            groupOrName(),
            () -> new KafkaConsumer<>(this.config),
            new Member(),
            false,
            Duration.ofSeconds(30));
    listener.onAttached(this); // last: the loop is whole by now
  }

  /**
   * Measures, every {@code interval} (zero: never), the lag of the partitions this member owns into
   * {@code hookrun_consumer_member_lag}. Call before {@link #start}.
   */
  public ConsumerLoop sampleLag(Duration interval) {
    this.lagSampler =
        new MemberLagSampler(
            String.valueOf(config.get(ConsumerConfig.GROUP_ID_CONFIG)), name, interval);
    return this;
  }

  /** Starts polling; the future completes once the consumer is subscribed. */
  public Future<Void> start() {
    return thread.start();
  }

  /** Queues an asynchronous commit; a failure is logged and counted, and the caller may retry. */
  public void commit(Map<TopicPartition, OffsetAndMetadata> offsets, Runnable onSuccess) {
    commit(offsets, onSuccess, null);
  }

  /**
   * Queues an asynchronous commit. A failure (a rebalance in progress, the coordinator moving, a
   * broker away) is logged at warn and counted; {@code onFailure} runs on the context, where the
   * {@link OffsetCommitter} schedules the commit again with back-off.
   */
  public void commit(
      Map<TopicPartition, OffsetAndMetadata> offsets, Runnable onSuccess, Runnable onFailure) {
    if (offsets.isEmpty()) {
      return;
    }
    tasks.add(
        c ->
            c.commitAsync(
                offsets,
                (committed, error) -> {
                  if (error != null) {
                    LOG.warn(
                        "{}: commit of {} failed, will retry: {}", name, offsets, error.toString());
                    Meters.commitFailed(groupOrName());
                    if (onFailure != null) {
                      context.runOnContext(v -> onFailure.run());
                    }
                  } else if (onSuccess != null) {
                    context.runOnContext(v -> onSuccess.run());
                  }
                }));
  }

  /**
   * Registers who finishes the offset of a record whose handler threw, once the listener has
   * settled it: the stage's {@link OffsetCommitter} does so itself when created.
   */
  void settleWith(BiConsumer<TopicPartition, Long> settler) {
    failures.settleWith(settler);
  }

  private String groupOrName() {
    Object group = config.get(ConsumerConfig.GROUP_ID_CONFIG);
    return group == null ? name : group.toString();
  }

  /** Pauses (or resumes) fetching from every assigned partition; polling goes on either way. */
  public void setPaused(boolean pause) {
    gate.setPaused(pause);
  }

  public boolean isPaused() {
    return gate.isPaused();
  }

  /** Whether the consumer has joined its group (had an assignment, possibly empty): readiness. */
  public boolean hasJoined() {
    return joined && thread.isRunning();
  }

  /**
   * Stops fetching from one partition until {@link #resumePartition}. Takes effect before the next
   * poll, so a call made while handling a batch keeps that partition out of the next one.
   */
  public void pausePartition(TopicPartition partition) {
    gate.hold(partition);
  }

  public void resumePartition(TopicPartition partition) {
    gate.release(partition);
  }

  /** The partitions this member owns now (a snapshot). */
  public Set<TopicPartition> assignment() {
    return assignment;
  }

  /** Partitions taken from this member by rebalances so far (graceful ones). */
  public int revokedPartitions() {
    return revokedCount.get();
  }

  /** Partitions this member lost without a chance to commit (its session expired). */
  public int lostPartitions() {
    return lostCount.get();
  }

  /**
   * The stage leaves {@code record} behind because it cannot read it (finishing its offset is the
   * stage's): logged and counted ({@code unreadable}) like the records the loop skips itself.
   */
  public void skipUnreadable(ConsumerRecord<String, String> record, RuntimeException error) {
    thread.skip(
        record.topic() + "-" + record.partition() + "@" + record.offset(), "unreadable", error);
  }

  /** Wakes the consumer to run queued work (a seek, a pause) on the poll thread. */
  public void execute(Consumer<KafkaConsumer<String, String>> task) {
    tasks.add(task);
  }

  /**
   * Leaves the group: the revoke callback commits what the stage has finished, then the consumer
   * closes. Records still unfinished stay uncommitted and go to another member.
   */
  public Future<Void> stop() {
    return thread.stop().andThen(v -> assignment = Set.of());
  }

  /** The group member's part of the poll thread. */
  private final class Member implements PollThread.Reader {

    @Override
    public void open(KafkaConsumer<String, String> c) {
      consumer = c;
      c.subscribe(topics, new Rebalance());
    }

    @Override
    public void beforePoll(KafkaConsumer<String, String> c) {
      runTasks();
      gate.apply(c);
    }

    @Override
    public void polled(ConsumerRecords<String, String> records) {
      BatchHandOff.deliver(context, records, listener::onRecords, failures::failed, name);
    }

    @Override
    public void afterPoll(KafkaConsumer<String, String> c) {
      lagSampler.sampleIfDue(c);
    }

    @Override
    public void closing(KafkaConsumer<String, String> c) {
      consumer = c;
      runTasks();
    }
  }

  private void runTasks() {
    Consumer<KafkaConsumer<String, String>> task;
    while ((task = tasks.poll()) != null) {
      try {
        task.accept(consumer);
      } catch (WakeupException e) {
        throw e;
      } catch (RuntimeException e) {
        LOG.warn("{}: consumer task failed: {}", name, e.toString());
      }
    }
  }

  private <T> T onContext(java.util.function.Supplier<Future<T>> call, T fallback, long timeoutMs) {
    CompletableFuture<T> result = new CompletableFuture<>();
    context.runOnContext(
        v -> {
          try {
            call.get()
                .onComplete(
                    (value, error) -> {
                      if (error != null) {
                        result.completeExceptionally(error);
                      } else {
                        result.complete(value);
                      }
                    });
          } catch (RuntimeException e) {
            result.completeExceptionally(e);
          }
        });
    try {
      return result.get(timeoutMs, TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      LOG.warn("{}: stage did not answer in time: {}", name, e.toString());
      return fallback;
    }
  }

  /** "requests[0,3,7]": partitions grouped by topic, short enough for one log line. */
  static String describe(Collection<TopicPartition> partitions) {
    var byTopic = new java.util.TreeMap<String, java.util.TreeSet<Integer>>();
    partitions.forEach(
        p -> byTopic.computeIfAbsent(p.topic(), t -> new java.util.TreeSet<>()).add(p.partition()));
    StringBuilder out = new StringBuilder();
    byTopic.forEach(
        (topic, numbers) -> out.append(out.length() == 0 ? "" : " ").append(topic).append(numbers));
    return out.toString().replace(", ", ",");
  }

  /** Runs on the poll thread, inside poll() or close(), while the partitions are still ours. */
  private final class Rebalance implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      if (partitions.isEmpty()) {
        return;
      }
      Set<TopicPartition> gone = Set.copyOf(partitions);
      if (thread.isRunning()) {
        revokedCount.addAndGet(gone.size()); // leaving the group on stop is not a rebalance
      }
      Map<TopicPartition, OffsetAndMetadata> offsets =
          onContext(() -> listener.onRevoked(gone), Map.of(), REVOKE_TIMEOUT_MS);
      if (!offsets.isEmpty()) {
        try {
          consumer.commitSync(offsets, Duration.ofSeconds(10));
          LOG.debug("{}: committed {} on revoke", name, offsets);
        } catch (RuntimeException e) {
          LOG.warn("{}: commit on revoke failed: {}", name, e.toString());
        }
      }
      Set<TopicPartition> left = new HashSet<>(assignment);
      left.removeAll(gone);
      assignment = Set.copyOf(left);
      gate.forget(gone);
      LOG.info("{}: revoked {}", name, describe(gone));
    }

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      Set<TopicPartition> now = new HashSet<>(assignment);
      now.addAll(partitions);
      assignment = Set.copyOf(now);
      joined = true;
      if (partitions.isEmpty()) {
        return;
      }
      Set<TopicPartition> added = Set.copyOf(partitions);
      if (gate.isPaused()) {
        consumer.pause(added);
      }
      LOG.info("{}: assigned {}", name, describe(added));
      context.runOnContext(v -> listener.onAssigned(added));
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      Set<TopicPartition> lost = Set.copyOf(partitions);
      lostCount.addAndGet(lost.size());
      Set<TopicPartition> left = new HashSet<>(assignment);
      left.removeAll(lost);
      assignment = Set.copyOf(left);
      gate.forget(lost);
      LOG.warn(
          "{}: lost {} (session expired); their unfinished records go to other members",
          name,
          describe(lost));
      context.runOnContext(v -> listener.onLost(lost));
    }
  }
}
