package dev.hookrun.dispatcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ProjectSharesTest {

  @Test
  void aProjectAtItsShareWaitsThenIsRefusedWhileOthersGoOn() {
    ProjectShares shares = new ProjectShares(2, 1);
    List<Runnable> a = new ArrayList<>();
    a.add(shares.acquire("a").result());
    a.add(shares.acquire("a").result());
    Future<Runnable> waiting = shares.acquire("a");
    assertFalse(waiting.isComplete(), "the third of a waits for a's turn");
    Future<Runnable> refused = shares.acquire("a");
    assertTrue(refused.failed(), "nowhere left to wait");
    assertInstanceOf(ProjectShares.ProjectBusy.class, refused.cause());
    assertTrue(refused.cause().getMessage().contains("project a"), refused.cause().getMessage());

    Future<Runnable> b = shares.acquire("b");
    assertTrue(b.succeeded(), "another project is not held up by a");

    a.get(0).run();
    a.get(0).run(); // a second release changes nothing
    assertTrue(waiting.succeeded(), "a's finished delivery hands its slot on");
    assertEquals(2, shares.active("a"));
    assertEquals(0, shares.waiting());
  }

  @Test
  void slotsGoBackWhenAProjectsDeliveriesFinish() {
    ProjectShares shares = new ProjectShares(1, 10);
    Runnable first = shares.acquire("a").result();
    Future<Runnable> second = shares.acquire("a");
    first.run();
    second.result().run();
    assertEquals(0, shares.active("a"));
    assertTrue(shares.acquire("a").succeeded());
  }
}
