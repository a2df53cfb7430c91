package dev.hookrun.common.kafka;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the topics a stage needs when they are missing, so a fresh cluster needs no manual
 * step. Existing topics are left as they are: an operator may have tuned them.
 */
public final class TopicInitializer {

  private static final Logger LOG = LoggerFactory.getLogger(TopicInitializer.class);

  private TopicInitializer() {}

  public static Future<Void> ensure(Vertx vertx, KafkaSettings kafka, List<TopicSpec> specs) {
    return vertx.executeBlocking(() -> {
      ensureBlocking(kafka, specs);
      return null;
    }, false);
  }

  public static void ensureBlocking(KafkaSettings kafka, List<TopicSpec> specs) throws Exception {
    try (Admin admin = Admin.create(KafkaClientProperties.asObjects(
        KafkaClientProperties.admin(kafka, "hookrun-topic-init")))) {
      Set<String> existing = admin.listTopics().names().get(20, TimeUnit.SECONDS);
      List<NewTopic> missing = new ArrayList<>();
      for (TopicSpec spec : specs) {
        if (!existing.contains(spec.name())) {
          missing.add(new NewTopic(spec.name(), spec.partitions(), spec.replicationFactor())
              .configs(spec.configs()));
        }
      }
      if (missing.isEmpty()) {
        return;
      }
      for (var entry : admin.createTopics(missing).values().entrySet()) {
        try {
          entry.getValue().get(20, TimeUnit.SECONDS);
          LOG.info("created topic {}", entry.getKey());
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e; // another stage creating it at the same moment is fine; anything else is not
          }
        }
      }
    }
  }
}
