package dev.hookrun.common.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Short names are spelled once: every topic is its prefix and its short name, which ops shows. */
class TopicsTest {

  private final Topics topics = new Topics("acme.");

  @Test
  void everyTopicIsThePrefixAndItsShortName() {
    assertEquals(
        List.of(
            "acme.requests",
            "acme.results",
            "acme.deliveries",
            "acme.cancels",
            "acme.webhook-retry-2",
            "acme.webhook-dlq"),
        List.of(
            topics.requests(),
            topics.results(),
            topics.deliveries(),
            topics.cancels(),
            topics.retryTier(2),
            topics.deadLetters()));
    assertEquals(topics.deadLetters(), topics.prefix() + Topics.DEAD_LETTERS);
  }

  @Test
  void aRetryTiersShortNameSaysWhichTier() {
    assertEquals(7, Topics.retryTierOf(topics.retryTier(7).substring(topics.prefix().length())));
    assertEquals(0, Topics.retryTierOf(Topics.RESULTS));
    assertEquals(0, Topics.retryTierOf(Topics.RETRY_TIER + "x"));
  }
}
