// The console's pages: each reads the gateway's /ops JSON (or /console/api/overview) with the
// session cookie and sends every POST with the session's CSRF token. Text only ever goes into the
// page as text (textContent), never as HTML.
(function () {
  "use strict";
  var CSRF = document.querySelector('meta[name="csrf"]').content;
  var MAX_JSON_CHARS = 8000; // a record's value is shown up to this much (results can be large)
  var pollTimer = null;
  var chart = null;

  function el(tag, attrs) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) {
      if (k === "text") node.textContent = attrs[k];
      else if (k === "class") node.className = attrs[k];
      else if (k.indexOf("on") === 0) node.addEventListener(k.slice(2), attrs[k]);
      else node.setAttribute(k, attrs[k]);
    });
    for (var i = 2; i < arguments.length; i++) {
      var child = arguments[i];
      if (child == null) continue;
      node.appendChild(typeof child === "string" || typeof child === "number" ? document.createTextNode(String(child)) : child);
    }
    return node;
  }
  function $(id) { return document.getElementById(id); }
  function replace(node) { var target = arguments[0]; target.replaceChildren.apply(target, Array.prototype.slice.call(arguments, 1)); }

  function api(path, method, body) {
    var options = { method: method || "GET", credentials: "same-origin", headers: { "Accept": "application/json" } };
    if (options.method !== "GET") {
      options.headers["X-CSRF-Token"] = CSRF;
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body || {});
    }
    return fetch(path, options).then(function (r) {
      if (r.status === 401) { location.reload(); }
      return r.json().catch(function () { return {}; }).then(function (json) {
        if (!r.ok) { var e = new Error((json.error && json.error.message) || ("HTTP " + r.status)); e.status = r.status; throw e; }
        return json;
      });
    });
  }

  function pretty(value) {
    var text = typeof value === "string" ? value : JSON.stringify(value, null, 2);
    if (text && text.length > MAX_JSON_CHARS) {
      text = text.slice(0, MAX_JSON_CHARS) + "\n… (" + (text.length - MAX_JSON_CHARS) + " more characters not shown)";
    }
    return text;
  }
  function time(iso) { return iso ? new Date(iso).toLocaleString() : "—"; }
  function table(headers, rows, caption) {
    var head = el("tr", null);
    headers.forEach(function (h) { head.appendChild(el("th", { scope: "col", class: h.num ? "num" : "", text: h.label || h })); });
    var body = el("tbody", null);
    rows.forEach(function (row) {
      var tr = el("tr", null);
      row.forEach(function (cell, i) {
        var td = el("td", { class: headers[i].num ? "num" : "" });
        if (cell instanceof Node) td.appendChild(cell); else td.textContent = cell == null ? "—" : String(cell);
        tr.appendChild(td);
      });
      body.appendChild(tr);
    });
    if (!rows.length) body.appendChild(el("tr", null, el("td", { colspan: headers.length, class: "muted", text: "None." })));
    return el("div", { class: "table-wrap" }, el("table", null, caption ? el("caption", { class: "muted", text: caption }) : null, el("thead", null, head), body));
  }

  // ---- overview ----------------------------------------------------------------------------
  function card(label, value, level, id) {
    return el("div", { class: "card " + (level || ""), id: id || null }, el("div", { class: "label", text: label }), el("div", { class: "value", text: value }));
  }
  function renderOverview(o) {
    $("updated").textContent = "updated " + new Date(o.at).toLocaleTimeString();
    var problems = o.problems || [];
    replace($("problems"), problems.length
      ? el("div", { class: "banner bad", id: "problem-banner" }, problems.length + (problems.length === 1 ? " problem" : " problems"),
          el.apply(null, ["ul", null].concat(problems.map(function (p) { return el("li", null, el("strong", { text: p.where + ": " }), p.message); }))))
      : el("div", { class: "banner ok", id: "problem-banner" }, "All healthy: broker up, every stage connected, no dead letters."));
    var stages = o.health.stages, cards = [];
    cards.push(card("Broker", o.health.broker.ok ? "up" : "down", o.health.broker.ok ? "" : "bad", "card-broker"));
    Object.keys(stages).forEach(function (name) {
      var s = stages[name];
      cards.push(card(name, s.status === "down" ? "down" : s.members + " up · lag " + s.lag, s.status === "down" ? "bad" : s.status === "behind" ? "warn" : "", "card-" + name));
    });
    cards.push(card("Dead letters", o.dead_letters == null ? "?" : o.dead_letters, o.dead_letters > 0 ? "warn" : "", "card-dlq"));
    var recent = o.rates.last_5_min;
    cards.push(card("Last 5 min", recent.accepted + " in · " + recent.succeeded + " ok · " + recent.failed + " failed", recent.failed > 0 ? "warn" : "", "card-rates"));
    replace.apply(null, [$("health")].concat(cards));
    drawChart(o.rates);
    replace($("overview-queues"), table(["Project", "App", { label: "Queued", num: true }, { label: "Running", num: true }, { label: "Oldest queued", num: true }],
      o.queues.map(function (q) { return [q.project, q.app, q.queued, q.running, q.oldest_queued_age_s == null ? "—" : q.oldest_queued_age_s.toFixed(1) + " s"]; })));
    replace($("overview-groups"), table(["Group", "Stage", "State", { label: "Members", num: true }, { label: "Lag", num: true }],
      (o.groups || []).map(function (g) { return [g.group, g.stage, g.state, g.members, g.lag]; })));
    replace($("overview-hosts"), table(["Host", { label: "Endpoints", num: true }, { label: "Disabled", num: true }, { label: "Attempts", num: true }, { label: "Success rate", num: true }, { label: "p95", num: true }],
      (o.endpoint_hosts || []).map(function (h) { return [h.host, h.endpoints, h.disabled, h.attempts, percent(h.success_rate), millis(h.latency_p95_ms)]; })));
  }
  function percent(rate) { return rate == null ? "—" : (100 * rate).toFixed(1) + " %"; }
  function millis(ms) { return ms == null ? "—" : ms + " ms"; }
  function drawChart(rates) {
    var data = [rates.time, rates.accepted, rates.succeeded, rates.failed];
    var width = Math.max(280, $("chart").clientWidth || 600);
    if (chart && chart.width !== width) { chart.destroy(); chart = null; }
    if (!chart) {
      if (typeof uPlot === "undefined") { $("chart").textContent = "Chart library not loaded."; return; }
      chart = new uPlot({
        width: width, height: 220,
        scales: { y: { range: function (u, min, max) { return [0, Math.max(1, max)]; } } },
        series: [{}, { label: "accepted/s", stroke: "#0969da" }, { label: "succeeded/s", stroke: "#1a7f37" }, { label: "failed/s", stroke: "#cf222e", width: 2 }],
        axes: [{}, { size: 40 }]
      }, data, $("chart"));
    } else {
      chart.setData(data);
    }
  }
  function pollOverview() {
    api("/console/api/overview").then(renderOverview).catch(function (e) {
      replace($("problems"), el("div", { class: "banner bad", id: "problem-banner" }, "The gateway does not answer: " + e.message));
    });
  }

  // ---- runs --------------------------------------------------------------------------------
  function attemptRow(entry) {
    var v = entry.record && entry.record.value;
    if (!v || typeof v !== "object") return null;
    var hook = v.webhook, fail = v.last_failure;
    if (hook && hook.status && hook.status !== "none" && hook.attempts) {
      return { attempt: hook.attempts, code: hook.last_status_code, next: hook.next_attempt_at, status: hook.status, latency: hook.latency_ms };
    }
    if (fail || v.due_at) {
      return { attempt: v.attempts, code: fail ? (fail.status_code == null ? "no answer" : fail.status_code) : null, next: v.due_at, status: entry.topic, latency: fail && fail.latency_ms };
    }
    return null;
  }
  function isoOf(localValue) { return localValue ? new Date(localValue).toISOString() : ""; }
  function listRuns() {
    var q = ["project", "app", "status"].map(function (k) { return k + "=" + encodeURIComponent($("r-" + k).value.trim()); })
      .concat(["since", "until"].map(function (k) { return k + "=" + encodeURIComponent(isoOf($("r-" + k).value)); })).join("&");
    replace($("runs-list"), el("p", { class: "muted", text: "Searching…" }));
    api("/console/api/runs?" + q + "&limit=200").then(function (r) {
      replace($("runs-list"), table(["Run", "Project", "App", "Status", "Priority", "Created", "Finished", "Webhook"],
        r.runs.map(function (x) {
          return [el("a", { href: "#runs/" + encodeURIComponent(x.run_id), text: x.run_id }), x.project, x.app, x.status, x.priority, time(x.created_at), time(x.completed_at), x.webhook];
        }), r.count + (r.count === 200 ? " newest shown" : " found")));
    }).catch(function (e) { replace($("runs-list"), el("p", { class: "error", role: "alert", text: e.message })); });
  }
  function runAction(runId, action) {
    $("run-message").textContent = (action === "cancel" ? "Cancelling " : "Retrying ") + runId + "…";
    api("/ops/runs/" + encodeURIComponent(runId) + "/" + action, "POST").then(function (r) {
      $("run-message").textContent = action === "cancel"
        ? "Cancel recorded: the run is " + r.status + "."
        : "Retried as " + r.run_id + " (" + r.status + ").";
      showRun(runId);
    }).catch(function (e) { $("run-message").textContent = (action === "cancel" ? "Not cancelled: " : "Not retried: ") + e.message; });
  }
  function redeliver(runId) {
    if (!confirm("Send this run's webhook to its endpoint once more?")) return;
    $("run-message").textContent = "Redelivering " + runId + "…";
    api("/ops/runs/" + encodeURIComponent(runId) + "/redeliver", "POST").then(function (r) {
      $("run-message").textContent = "Redelivery queued to " + r.webhook_endpoint + ": it shows in the timeline below once it is made.";
      setTimeout(function () { showRun(runId); }, 1500);
    }).catch(function (e) { $("run-message").textContent = "Not redelivered: " + e.message; });
  }
  function showSummary(runId) {
    replace($("run-summary"));
    return api("/console/api/runs/" + encodeURIComponent(runId)).then(function (s) {
      var buttons = [];
      if (s.status === "queued" || s.status === "running") {
        buttons.push(el("button", { type: "button", id: "run-cancel", onclick: function () { runAction(runId, "cancel"); } }, "Cancel run"));
      }
      if ((s.status === "failed" || s.status === "expired" || s.status === "cancelled") && !s.retried_as) {
        buttons.push(el("button", { type: "button", id: "run-retry", onclick: function () { runAction(runId, "retry"); } }, "Retry run"));
      }
      if (s.webhook && s.webhook.status === "delivered") {
        buttons.push(el("button", { type: "button", id: "run-redeliver", onclick: function () { redeliver(runId); } }, "Redeliver webhook"));
      }
      var facts = [["Status", s.status], ["Project", s.project], ["App", s.app], ["Created", time(s.created_at)], ["Started", time(s.started_at)],
        ["Finished", time(s.completed_at)], ["Webhook", s.webhook ? s.webhook.status + (s.webhook.attempts ? " after " + s.webhook.attempts + " attempts" : "") : "—"]];
      if (s.retried_as) facts.push(["Retried as", el("a", { href: "#runs/" + encodeURIComponent(s.retried_as), text: s.retried_as })]);
      if (s.retry_of) facts.push(["Retry of", el("a", { href: "#runs/" + encodeURIComponent(s.retry_of), text: s.retry_of })]);
      if (s.error) facts.push(["Error", s.error.code + ": " + s.error.message]);
      var list = el("dl", { class: "facts", id: "run-status", "data-status": s.status });
      facts.forEach(function (f) { list.appendChild(el("dt", { text: f[0] })); list.appendChild(el("dd", null, f[1] instanceof Node ? f[1] : String(f[1] == null ? "—" : f[1]))); });
      replace($("run-summary"), list, el.apply(null, ["div", { class: "actions" }].concat(buttons)));
    }).catch(function (e) {
      replace($("run-summary"), el("p", { class: "muted", text: e.status === 404 ? "Not in this gateway's view (older than the retention?): the records below are all there is." : e.message }));
    });
  }
  function showRun(runId) {
    $("run-id").value = runId;
    replace($("run-actions"));
    replace($("runs-list"));
    showSummary(runId);
    replace($("run"), el("p", { class: "muted", text: "Reading the run's records…" }));
    api("/ops/runs/" + encodeURIComponent(runId) + "/trace").then(function (trace) {
      var items = trace.records.map(function (r) {
        var bad = /fail|dead|error|expired/i.test(r.event), ok = /succeeded|delivered/i.test(r.event);
        return el("li", { class: bad ? "bad" : ok ? "ok" : "" },
          el("span", { class: "when", text: time(r.time) + " " }),
          el("span", { class: "stage", text: r.stage }), " ", el("span", { class: "event", text: r.event }),
          el("details", null, el("summary", { text: r.topic + " " + r.partition + "@" + r.offset }), el("pre", { text: pretty(r.record.value) })));
      });
      var attempts = trace.records.map(function (r) { var a = attemptRow(r); if (a) a.time = r.time; return a; }).filter(Boolean);
      var dead = trace.records.some(function (r) { return r.topic === "dead-letters"; }) && !trace.records.some(function (r) { return /replayed/.test(r.event) && r.stage === "operator"; });
      if (dead) {
        replace($("run-actions"), el("button", { type: "button", id: "run-replay", onclick: function () { replayOne(runId); } }, "Redeliver webhook (replay dead letter)"));
      }
      replace($("run"),
        el("h2", { text: "Timeline of " + trace.run_id }),
        items.length ? el.apply(null, ["ol", { class: "timeline", id: "timeline" }].concat(items)) : el("p", { class: "muted", text: "No record of this run in the retention." }),
        el("h2", { text: "Delivery attempts" }),
        el("div", { id: "attempts" }, table(["Seen at", { label: "Attempt", num: true }, "Status", "HTTP", "Latency", "Next attempt"],
          attempts.map(function (a) { return [time(a.time), a.attempt, a.status, a.code, a.latency == null ? "—" : a.latency + " ms", a.next ? time(a.next) : "—"]; }))),
        el("h2", { text: "Consumers" }),
        table(["Topic", "Group", "Processed", "Owner"], trace.consumed_by.map(function (p) { return [p.topic + "/" + p.partition + "@" + p.offset, p.group, p.processed ? "yes" : "no", p.owner]; })));
    }).catch(function (e) { replace($("run"), el("p", { class: "error", role: "alert", text: e.message })); });
  }
  function replayOne(runId) {
    api("/ops/dlq/replay", "POST", { run_id: runId }).then(function (r) {
      $("run-message").textContent = "Replayed " + r.replayed + " dead letter: delivery starts again.";
      setTimeout(function () { showRun(runId); }, 1000);
    }).catch(function (e) { $("run-message").textContent = "Not replayed: " + e.message; });
  }

  // ---- endpoints ---------------------------------------------------------------------------
  function loadEndpoints() {
    // only the filters given: the route reads an empty project as a project named ""
    var q = [["project", $("e-project").value.trim()], ["disabled", $("e-disabled").value]]
      .filter(function (p) { return p[1]; }).map(function (p) { return p[0] + "=" + encodeURIComponent(p[1]); }).join("&");
    return api("/ops/endpoints" + (q ? "?" + q : "")).then(function (r) {
      replace($("endpoints"), table(["Endpoint", "Project", "State", { label: "Attempts", num: true }, { label: "Success rate", num: true }, { label: "p95", num: true }, "Last success", { label: "Failing in a row", num: true }, ""],
        r.endpoints.map(function (e) {
          var action = e.disabled ? el("button", { type: "button", class: "enable", "data-endpoint": e.endpoint, onclick: function () { enableEndpoint(e.endpoint); } }, "Enable") : null;
          var state = el("span", { class: e.disabled ? "status-bad" : e.consecutive_failures > 0 ? "status-warn" : "status-ok", text: e.disabled ? "disabled since " + time(e.disabled_at) : "enabled" });
          return [e.endpoint, e.project, state, e.attempts, percent(e.success_rate), millis(e.latency_p95_ms), time(e.last_success), e.consecutive_failures, action];
        }), r.count + (r.count === 1 ? " endpoint" : " endpoints")));
    }).catch(function (e) { replace($("endpoints"), el("p", { class: "error", role: "alert", text: e.message })); });
  }
  function enableEndpoint(endpoint) {
    $("endpoints-message").textContent = "Enabling " + endpoint + "…";
    api("/ops/endpoints/enable", "POST", { endpoint: endpoint }).then(function (e) {
      $("endpoints-message").textContent = "Enabled " + e.endpoint + ": its deliveries go out again.";
      loadEndpoints();
    }).catch(function (e) { $("endpoints-message").textContent = "Not enabled: " + e.message; });
  }

  // ---- dead letters ------------------------------------------------------------------------
  var letters = [];
  function letterProject(d) { var v = d.record && d.record.value; return (v && (v.project || (v.result && v.result.project))) || ""; }
  function hostOf(url) { try { return new URL(url).host; } catch (e) { return url || ""; } }
  function matching() {
    var project = $("f-project").value.trim(), host = $("f-host").value.trim(), reason = $("f-reason").value, since = $("f-since").value;
    var sinceMs = since ? new Date(since).getTime() : null;
    return letters.filter(function (d) {
      return (!project || letterProject(d) === project) && (!host || hostOf(d.webhook_endpoint).indexOf(host) >= 0)
        && (!reason || d.reason === reason) && (!sinceMs || new Date(d.dead_lettered_at).getTime() >= sinceMs);
    });
  }
  function loadDlq() {
    return api("/ops/dlq").then(function (r) {
      letters = r.dead_letters;
      var reasons = {}; letters.forEach(function (d) { reasons[d.reason] = true; });
      var select = $("f-reason"), chosen = select.value;
      replace.apply(null, [select, el("option", { value: "", text: "any" })].concat(Object.keys(reasons).map(function (x) { return el("option", { value: x, text: x }); })));
      select.value = reasons[chosen] ? chosen : "";
      renderDlq();
    }).catch(function (e) { replace($("dlq"), el("p", { class: "error", role: "alert", text: e.message })); });
  }
  function renderDlq() {
    var shown = matching();
    $("dlq-replay-matching").textContent = "Replay all matching (" + shown.length + ")";
    $("dlq-purge-matching").textContent = "Purge all matching (" + shown.length + ")";
    var rows = shown.map(function (d) {
      var box = el("input", { type: "checkbox", class: "pick", value: d.run_id, "aria-label": "Select " + d.run_id, onchange: updateSelected });
      var link = el("a", { href: "#runs/" + encodeURIComponent(d.run_id), text: d.run_id });
      return [box, link, letterProject(d), hostOf(d.webhook_endpoint), d.reason, d.attempts, time(d.dead_lettered_at)];
    });
    replace($("dlq"), table(["", "Run", "Project", "Endpoint host", "Reason", { label: "Attempts", num: true }, "Dead-lettered"], rows, letters.length + " waiting, " + shown.length + " matching"));
    updateSelected();
  }
  function selected() { return Array.prototype.map.call(document.querySelectorAll("#dlq input.pick:checked"), function (b) { return b.value; }); }
  function updateSelected() {
    var n = selected().length, button = $("dlq-replay-selected");
    button.disabled = n === 0; button.textContent = "Replay selected (" + n + ")";
    $("dlq-purge-selected").disabled = n === 0; $("dlq-purge-selected").textContent = "Purge selected (" + n + ")";
  }
  function purgeMany(ids) {
    if (!ids.length) { $("dlq-message").textContent = "Nothing to purge."; return; }
    if (!confirm("Purge " + ids.length + (ids.length === 1 ? " dead letter" : " dead letters") + "? Their webhooks will never be sent.")) return;
    $("dlq-message").textContent = "Purging " + ids.length + "…";
    // by run id, not by the filters: what is purged is exactly what the operator saw and confirmed
    api("/ops/dead-letters/purge", "POST", { run_ids: ids }).then(function (r) {
      $("dlq-message").textContent = "Purged " + r.purged + " of " + ids.length + " dead letters" + (r.purged < ids.length ? " (the others were already gone)" : "") + ".";
      loadDlq();
    }).catch(function (e) { $("dlq-message").textContent = "Not purged: " + e.message; });
  }
  function replayMany(ids) {
    if (!ids.length) { $("dlq-message").textContent = "Nothing to replay."; return; }
    $("dlq-message").textContent = "Replaying " + ids.length + "…";
    var done = 0, failed = 0;
    // one at a time: each replay is its own Kafka write, and the count shown must be exact
    ids.reduce(function (chain, id) {
      return chain.then(function () { return api("/ops/dlq/replay", "POST", { run_id: id }).then(function (r) { done += r.replayed; }, function () { failed++; }); });
    }, Promise.resolve()).then(function () {
      $("dlq-message").textContent = "Replayed " + done + " of " + ids.length + " dead letters" + (failed ? " (" + failed + " were already gone)" : "") + ".";
      loadDlq();
    });
  }

  // ---- queues and workers -----------------------------------------------------------------
  function loadQueues() {
    api("/console/api/overview").then(function (o) {
      replace($("queues"), table(["Project", "App", { label: "Queued", num: true }, "By priority", { label: "Running", num: true }, { label: "Oldest queued", num: true }],
        o.queues.map(function (q) {
          var lanes = Object.keys(q.queued_by_priority).map(function (k) { return k + " " + q.queued_by_priority[k]; }).join(" · ");
          return [q.project, q.app, q.queued, lanes, q.running, q.oldest_queued_age_s == null ? "—" : q.oldest_queued_age_s.toFixed(1) + " s"];
        })));
    });
    api("/ops/groups").then(function (r) {
      var rows = [];
      r.groups.filter(function (g) { return g.stage === "worker"; }).forEach(function (g) {
        g.members.forEach(function (m) { rows.push([g.group, m.client_id, m.host, m.consumer_id, (m.assigned || []).join(", ")]); });
        if (!g.members.length) rows.push([g.group, "no members", "", "", ""]);
      });
      replace($("workers"), table(["Share group", "Client", "Host", "Member", "Assigned"], rows));
    });
  }

  // ---- topics ------------------------------------------------------------------------------
  function loadTopics() {
    api("/ops/topics").then(function (r) {
      replace($("topics"), table(["Topic", { label: "Partitions", num: true }, { label: "Records", num: true }, "Cleanup", ""],
        r.topics.map(function (t) {
          return [t.short_name || t.topic, t.partitions, t.records, t.cleanup_policy, el("button", { type: "button", onclick: function () { showTopic(t); } }, "Inspect " + (t.short_name || t.topic))];
        })));
    }).catch(function (e) { replace($("topics"), el("p", { class: "error", text: e.message })); });
  }
  function showTopic(t) {
    var name = t.short_name || t.topic;
    var form = el("form", { class: "inline", id: "peek-form" },
      el("label", { for: "peek-partition", text: "Partition" }), el("input", { id: "peek-partition", type: "number", min: "0", value: "0", size: "4" }),
      el("label", { for: "peek-count", text: "Last records" }), el("input", { id: "peek-count", type: "number", min: "1", max: "100", value: "5", size: "4" }),
      el("label", { for: "peek-key", text: "Key" }), el("input", { id: "peek-key", size: "30" }),
      el("button", { type: "submit" }, "Peek"));
    var out = el("div", { id: "peek" });
    form.addEventListener("submit", function (ev) {
      ev.preventDefault();
      var q = "?partition=" + encodeURIComponent($("peek-partition").value) + "&from_end=" + encodeURIComponent($("peek-count").value) + "&count=" + encodeURIComponent($("peek-count").value);
      if ($("peek-key").value) q = "?key=" + encodeURIComponent($("peek-key").value) + "&count=" + encodeURIComponent($("peek-count").value);
      api("/ops/topics/" + encodeURIComponent(t.topic) + "/records" + q).then(function (r) {
        var recs = r.records || [];
        replace(out, recs.length ? el.apply(null, ["div", null].concat(recs.map(function (rec) {
          return el("details", { open: "" }, el("summary", { text: rec.partition + "@" + rec.offset + " " + time(rec.timestamp) + " key " + rec.key }), el("pre", { text: pretty(rec.value) }));
        }))) : el("p", { class: "muted", text: "No records." }));
      }).catch(function (e) { replace(out, el("p", { class: "error", text: e.message })); });
    });
    var partitions = table(["Partition", { label: "Start", num: true }, { label: "End", num: true }, { label: "Records", num: true }],
      (t.by_partition || []).map(function (p) { return [p.partition, p.start_offset, p.end_offset, p.records]; }));
    var lagBox = el("div", null);
    api("/ops/groups").then(function (r) {
      var rows = [];
      r.groups.forEach(function (g) { g.partitions.filter(function (p) { return p.topic === t.topic || p.topic === name; }).forEach(function (p) { rows.push([g.group, p.partition, p.committed_offset, p.end_offset, p.lag]); }); });
      replace(lagBox, table(["Group", "Partition", { label: "Committed", num: true }, { label: "End", num: true }, { label: "Lag", num: true }], rows));
    });
    replace($("topic"), el("h2", { text: name }), partitions, el("h2", { text: "Lag per group" }), lagBox, el("h2", { text: "Records" }), form, out);
  }

  // ---- navigation --------------------------------------------------------------------------
  function route() {
    var hash = location.hash.replace(/^#/, "") || "overview";
    var parts = hash.split("/"), page = parts[0];
    if (!$("page-" + page)) page = "overview";
    document.querySelectorAll("main > section").forEach(function (s) { s.hidden = s.id !== "page-" + page; });
    document.querySelectorAll("header nav a").forEach(function (a) {
      if (a.dataset.page === page) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    });
    clearInterval(pollTimer);
    if (page === "overview") { pollOverview(); pollTimer = setInterval(pollOverview, 2000); }
    if (page === "runs" && parts[1]) showRun(decodeURIComponent(parts.slice(1).join("/")));
    if (page === "endpoints") loadEndpoints();
    if (page === "dlq") loadDlq();
    if (page === "queues") { loadQueues(); pollTimer = setInterval(loadQueues, 2000); }
    if (page === "topics") loadTopics();
  }
  $("runs-filters").addEventListener("submit", function (ev) { ev.preventDefault(); replace($("run-summary")); replace($("run")); listRuns(); });
  $("run-form").addEventListener("submit", function (ev) {
    ev.preventDefault();
    var id = $("run-id").value.trim();
    replace($("run-message"));
    if (location.hash === "#runs/" + encodeURIComponent(id)) showRun(id); else location.hash = "runs/" + encodeURIComponent(id);
  });
  ["f-project", "f-host", "f-reason", "f-since"].forEach(function (id) { $(id).addEventListener("input", renderDlq); });
  $("dlq-refresh").addEventListener("click", loadDlq);
  $("endpoints-filters").addEventListener("submit", function (ev) { ev.preventDefault(); replace($("endpoints-message")); loadEndpoints(); });
  $("dlq-replay-selected").addEventListener("click", function () { replayMany(selected()); });
  $("dlq-replay-matching").addEventListener("click", function () { replayMany(matching().map(function (d) { return d.run_id; })); });
  $("dlq-purge-selected").addEventListener("click", function () { purgeMany(selected()); });
  $("dlq-purge-matching").addEventListener("click", function () { purgeMany(matching().map(function (d) { return d.run_id; })); });
  window.addEventListener("hashchange", route);
  window.addEventListener("resize", function () { if (chart) { chart.destroy(); chart = null; } });
  route();
})();
