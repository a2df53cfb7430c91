package dev.hookrun.dispatcher;

import dev.hookrun.common.delivery.EndpointKey;
import java.util.Map;
import java.util.TreeSet;

/**
 * Where each project hears of its endpoints being disabled ({@code WEBHOOK_NOTIFY_URL}): per
 * project, as the signing secrets are, because a disabled endpoint is the project's news; {@code *}
 * stands for every project not listed. {@link #toString} names projects, never URLs (a URL may
 * carry a token).
 */
public final class NotifyUrls {

  static final String ANY = "*";

  private final Map<String, String> byProject;

  private NotifyUrls(Map<String, String> byProject) {
    this.byProject = byProject;
  }

  public static NotifyUrls none() {
    return new NotifyUrls(Map.of());
  }

  /**
   * @throws IllegalArgumentException for a URL that is not http(s) with a host
   */
  public static NotifyUrls of(Map<String, String> byProject) {
    byProject.forEach(
        (project, url) -> {
          String problem = problem(url);
          if (problem != null) {
            throw new IllegalArgumentException(
                "the notify URL of project " + project + " " + problem);
          }
        });
    return new NotifyUrls(Map.copyOf(byProject));
  }

  /** What is wrong with a notify URL, or null. */
  static String problem(String url) {
    return EndpointKey.of(url) == null ? "is not an http(s) URL with a host" : null;
  }

  /** The project's notify URL, or null when it has none. */
  String forProject(String project) {
    String own = project == null ? null : byProject.get(project);
    return own != null ? own : byProject.get(ANY);
  }

  @Override
  public String toString() {
    return "NotifyUrls" + new TreeSet<>(byProject.keySet());
  }
}
