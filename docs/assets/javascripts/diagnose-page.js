// The troubleshooting page's "paste a log" box: trustpub's own diagnosis code (trustpub.diagnose),
// run in this page by Pyodide. This file only waits for the box to be used; then it imports
// diagnose-run.mjs, which starts Pyodide and the diagnosis code, both served from this site
// (assets/pyodide/, put there by macros/pyodide.py). The log is never sent anywhere.
(function () {
  "use strict";
  if (globalThis.tpDiagnosePage) { globalThis.tpDiagnosePage(); return; } // run again by instant navigation
  var self = document.currentScript || document.querySelector('script[src*="diagnose-page.js"]');
  var RUN = new URL("diagnose-run.mjs", self.src).href;
  var module = null;
  function runner() {
    if (!module) module = import(RUN).catch(function (err) { module = null; throw err; });
    return module;
  }
  function load(status) { return runner().then(function (m) { return m.load(status); }); }

  function mount() {
    var box = document.getElementById("tp-diagnose");
    if (!box || box.dataset.ready) return;
    box.dataset.ready = "1";
    var log = document.getElementById("tp-diagnose-log");
    var status = document.getElementById("tp-diagnose-status");
    var result = document.getElementById("tp-diagnose-result");
    var timer = null;
    function run() {
      var text = log.value;
      if (!text.trim()) { result.replaceChildren(); status.textContent = "Paste a log to diagnose it."; return; }
      Promise.all([runner(), load(status)]).then(function (parts) {
        var m = parts[0], tpDiagnose = parts[1];
        var v = m.values();
        var data = JSON.parse(tpDiagnose(text, JSON.stringify(v.values), v.from));
        m.show(result, data);
        result.dataset.report = JSON.stringify(data);
        status.textContent = data.recognised
          ? "Diagnosed in this page: " + data.matches.filter(function (m) { return m.shown; }).length + " case(s)."
          : "Diagnosed in this page: nothing recognised.";
        box.dataset.diagnosed = String(Number(box.dataset.diagnosed || 0) + 1);
      }).catch(function (err) { status.textContent = "The diagnosis failed: " + err.message; });
    }
    ["focus", "pointerdown"].forEach(function (name) {
      log.addEventListener(name, function () { load(status).then(function () { status.textContent = "Ready: paste the log."; }, function () {}); }, { once: true });
    });
    log.addEventListener("input", function () { clearTimeout(timer); timer = setTimeout(run, 250); });
    document.getElementById("tp-diagnose-run").addEventListener("click", run);
  }

  globalThis.tpDiagnosePage = mount;
  mount();
  if (typeof globalThis.document$ !== "undefined" && globalThis.document$.subscribe) {
    globalThis.document$.subscribe(mount);
  }
})();
