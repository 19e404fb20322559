// The page of `brief serve`: send the article to POST /v1/brief?format=html&stream=true, show the
// summary as it streams in (NDJSON events), then insert the report's HTML, which the server
// escaped. Only textContent is used for anything else that came from the server.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var form = $("form"), text = $("text"), status = $("status"), live = $("live");
  function say(msg, isErr) {
    status.textContent = msg;
    status.className = isErr ? "err" : "";
  }
  text.addEventListener("dragover", function (e) { e.preventDefault(); text.classList.add("drop"); });
  text.addEventListener("dragleave", function () { text.classList.remove("drop"); });
  text.addEventListener("drop", function (e) {
    e.preventDefault();
    text.classList.remove("drop");
    var f = e.dataTransfer && e.dataTransfer.files[0];
    if (f) { f.text().then(function (t) { text.value = t; say("Loaded " + f.name + "."); }); }
  });
  function body() {
    var b = { text: text.value, tasks: [] };
    if ($("t-summarize").checked) { b.tasks.push("summarize"); }
    if ($("t-stance").checked) { b.tasks.push("stance"); }
    var title = $("title").value.trim(), target = $("target").value.trim();
    var actors = $("actors").value.split("\n").map(function (s) { return s.trim(); }).filter(Boolean);
    if (title) { b.title = title; }
    if (target) { b.target = target; }
    if (actors.length) { b.actors = actors; }
    return b;
  }
  function handle(ev) {
    if (ev.event === "summary") {
      $("live-card").hidden = false;
      live.textContent += ev.text;
    } else if (ev.event === "notice") {
      say(ev.message);
    } else if (ev.event === "started") {
      say("Working…");
    } else if (ev.event === "done") {
      $("live-card").hidden = true;
      $("result").innerHTML = ev.html;
      say("Done in " + ev.report.timings.total_s.toFixed(1) + " s. Click an actor to see its evidence.");
    } else if (ev.event === "error") {
      say(ev.error.message, true);
    }
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var go = $("go");
    go.disabled = true;
    live.textContent = "";
    $("result").textContent = "";
    say("Queued…");
    var headers = { "Content-Type": "application/json" };
    var key = $("key");
    if (key && key.value) { headers.Authorization = "Bearer " + key.value; }
    fetch("/v1/brief?format=html&stream=true", { method: "POST", headers: headers, body: JSON.stringify(body()) })
      .then(function (res) {
        if (!res.ok) {
          return res.json().then(function (j) { throw new Error(j.error ? j.error.message : res.statusText); },
            function () { throw new Error(res.status + " " + res.statusText); });
        }
        var reader = res.body.getReader(), dec = new TextDecoder(), buf = "";
        function pump() {
          return reader.read().then(function (r) {
            buf += dec.decode(r.value || new Uint8Array(), { stream: !r.done });
            var lines = buf.split("\n");
            buf = r.done ? "" : lines.pop();
            lines.forEach(function (l) { if (l.trim()) { handle(JSON.parse(l)); } });
            if (!r.done) { return pump(); }
          });
        }
        return pump();
      })
      .catch(function (err) { say(String(err.message || err), true); })
      .then(function () { go.disabled = false; });
  });
})();
