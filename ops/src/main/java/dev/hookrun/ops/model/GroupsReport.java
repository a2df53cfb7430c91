package dev.hookrun.ops.model;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;

/** Every platform consumer group, and the lag summed per stage across them. */
public record GroupsReport(List<GroupInfo> groups, Map<String, Long> lagByStage) {

  public JsonObject toJson() {
    JsonArray list = new JsonArray();
    groups.forEach(g -> list.add(g.toJson()));
    JsonObject byStage = new JsonObject();
    lagByStage.forEach(byStage::put);
    return new JsonObject().put("groups", list).put("lag_by_stage", byStage);
  }
}
