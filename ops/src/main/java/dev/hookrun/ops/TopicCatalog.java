package dev.hookrun.ops;

import dev.hookrun.common.kafka.Topics;
import java.util.Collection;
import java.util.List;

/**
 * The platform's topics as operators name them: every topic under TOPIC_PREFIX, by short name
 * ({@code requests}, {@code deliveries}, {@code webhook-retry-2}, ...) or full name, and the stage
 * that consumes each. Topics added under the prefix later (more retry tiers) are picked up as they
 * appear.
 */
public final class TopicCatalog {

  private final Topics topics;

  public TopicCatalog(Topics topics) {
    this.topics = topics;
  }

  public String prefix() {
    return topics.prefix();
  }

  public boolean isPlatformTopic(String name) {
    return name.startsWith(topics.prefix()) && name.length() > topics.prefix().length();
  }

  public String shortName(String topic) {
    return isPlatformTopic(topic) ? topic.substring(topics.prefix().length()) : topic;
  }

  /** The full name of {@code name} (short or full) among {@code existing}, or a NOT_FOUND. */
  public String resolve(String name, Collection<String> existing) {
    for (String candidate : java.util.Arrays.asList(name, topics.prefix() + name, aliasOf(name))) {
      if (candidate != null && existing.contains(candidate) && isPlatformTopic(candidate)) {
        return candidate;
      }
    }
    List<String> known =
        existing.stream().filter(this::isPlatformTopic).map(this::shortName).sorted().toList();
    throw OpsException.notFound(
        "Unknown topic '"
            + name
            + "'. Topics under prefix '"
            + topics.prefix()
            + "': "
            + (known.isEmpty() ? "none" : String.join(", ", known))
            + ".");
  }

  /**
   * Which stage consumes a topic: the scheduler reads requests (and the workers' heartbeats), the
   * workers the released runs, the dispatchers results, retry tier n is "retry-n"; a topic of no
   * stage answers its short name.
   */
  public String stageOf(String topic) {
    String shortName = shortName(topic);
    int tier = Topics.retryTierOf(shortName);
    if (tier > 0) {
      return "retry-" + tier;
    }
    return switch (shortName) {
      case Topics.REQUESTS, Topics.WORKERS -> "scheduler";
      case Topics.WORK -> "worker";
      case Topics.RESULTS -> "dispatcher";
      case Topics.DEAD_LETTERS -> "dead-letters";
      default -> shortName;
    };
  }

  /**
   * Pipeline order: requests, work, run state, results, cancels, workers, retry tiers, dead
   * letters, others.
   */
  public java.util.Comparator<String> pipelineOrder() {
    return java.util.Comparator.comparingInt(this::rank)
        .thenComparing(java.util.Comparator.naturalOrder());
  }

  private int rank(String topic) {
    String shortName = shortName(topic);
    int tier = Topics.retryTierOf(shortName);
    if (tier > 0) {
      return 10 + Math.min(80, tier);
    }
    return switch (shortName) {
      case Topics.REQUESTS -> 0;
      case Topics.WORK -> 1;
      case Topics.DELIVERIES -> 2;
      case Topics.RESULTS -> 3;
      case Topics.CANCELS -> 4;
      case Topics.WORKERS -> 5;
      case Topics.DEAD_LETTERS -> 100;
      default -> 1000;
    };
  }

  private String aliasOf(String name) {
    return switch (name) {
      case "dlq", "dead-letters" -> topics.deadLetters();
      case "state", "delivery-states" -> topics.deliveries();
      default ->
          name.matches("retry-\\d+")
              ? topics.prefix() + Topics.RETRY_TIER + name.substring("retry-".length())
              : null;
    };
  }
}
