// The in-page diagnosis proper (imported by diagnose-page.js the first time the box is used):
// Pyodide started from this site, trustpub's diagnosis code written into its file system, and
// the result shown. Nothing here requests anything beyond this site's own files.
const BASE = new URL("../pyodide/", import.meta.url).href;
// The glue: the same steps as `trustpub diagnose --json` (trustpub.commands.diagnose.main).
var GLUE = [
  "import json",
  "from trustpub.config import Subject",
  "from trustpub.diagnose import compare, diagnose, report",
  "def tp_diagnose(text, values_json, values_from):",
  "    subject = Subject(**json.loads(values_json))",
  "    result = diagnose(text)",
  "    rows = None",
  "    index = result.index",
  "    if result.publisher:",
  "        rows = compare(result.publisher, subject.publisher_form(index or subject.index))",
  "    elif not result.wants_registration:",
  "        subject = values_from = None",
  "    return json.dumps(report(result, 'the pasted log', rows, subject, values_from, index))",
].join("\n");
var runtime = null;

export function load(status) {
  if (!runtime) {
    var started = performance.now();
    status.textContent = "Loading the diagnosis (Pyodide, from this site)…";
    runtime = Promise.all([
      import(BASE + "pyodide.mjs").then(function (mod) {
        return mod.loadPyodide({ indexURL: BASE, packages: [], stdout: function () {}, stderr: function () {} });
      }),
      fetch(BASE + "trustpub-diagnose.json").then(function (r) {
        if (!r.ok) throw new Error("trustpub-diagnose.json: HTTP " + r.status);
        return r.json();
      }),
    ]).then(function (parts) {
      var py = parts[0], bundle = parts[1];
      var root = "/home/pyodide/tp";
      Object.keys(bundle.files).forEach(function (path) {
        py.FS.mkdirTree(root + "/" + path.split("/").slice(0, -1).join("/"));
        py.FS.writeFile(root + "/" + path, bundle.files[path]);
      });
      py.runPython("import sys\nsys.path.insert(0, " + JSON.stringify(root) + ")\n" + GLUE);
      globalThis.tpDiagnoseReadyMs = performance.now() - started;
      return py.globals.get("tp_diagnose");
    });
    runtime.catch(function (err) { runtime = null; status.textContent = "The diagnosis could not load: " + err.message; });
  }
  return runtime;
}

function inline(text) {
  // The table's texts use Markdown code spans and bold; nothing else.
  var escaped = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  return escaped.replace(/`([^`]+)`/g, "<code>$1</code>").replace(/\*\*([^*]+)\*\*/g, "<strong>$1</strong>");
}

function el(tag, attrs, html) {
  var node = document.createElement(tag);
  Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
  if (html !== undefined) node.innerHTML = html;
  return node;
}

export function show(result, data) {
  result.replaceChildren();
  if (!data.recognised) {
    result.appendChild(el("p", { "class": "tp-diagnose__none" },
      "No known Trusted Publishing error in this log. Check the repository with the checklist, or read the cases below."));
    return;
  }
  data.matches.filter(function (m) { return m.shown; }).forEach(function (m) {
    var box = el("section", { "class": "tp-diagnose__case", "data-case": m.id });
    box.appendChild(el("h3", {}, inline(m.title) + ' <a href="#' + m.id + '" class="tp-diagnose__more">(case on this page)</a>'));
    box.appendChild(el("p", {}, "<strong>Cause:</strong> " + inline(m.cause)));
    box.appendChild(el("p", {}, "<strong>Fix:</strong> " + inline(m.fix)));
    if (m.script) box.appendChild(el("p", {}, "<strong>Script:</strong> <code>python scripts/" + inline(m.script) + " --repo PATH</code>"));
    result.appendChild(box);
  });
  if (data.publisher) {
    var pub = data.publisher;
    var table = el("table", { "class": "tp-diagnose__publisher" });
    table.appendChild(el("caption", {}, "Publisher values from the token's claims, compared with " + inline(data.configured_from || "")));
    var must = ({ pypi: "PyPI", testpypi: "TestPyPI" })[data.index] || "The index";
    table.appendChild(el("tr", {}, "<th scope=\"col\">Field</th><th scope=\"col\">" + must + " must have</th><th scope=\"col\">Configured</th><th scope=\"col\"></th>"));
    (data.comparison || []).forEach(function (row) {
      var tr = el("tr", { "data-field": row.field, "class": row.differs ? "tp-diagnose__differs" : "" },
        "<th scope=\"row\">" + inline(row.field) + "</th><td><code>" + inline(row.required || "(none)") + "</code></td><td><code>" +
        inline(row.configured === null ? "-" : row.configured) + "</code></td><td>" + (row.differs ? "differs" : "") + "</td>");
      table.appendChild(tr);
    });
    result.appendChild(table);
    (pub.notes || []).forEach(function (note) { result.appendChild(el("p", { "class": "tp-diagnose__note" }, inline(note))); });
  }
  // Where to register the publisher: after the values, or alone when the paste has no claims.
  if (data.publishing_url || data.index_links) {
    if (data.publishing_url) {
      var p = el("p", {});
      p.appendChild(document.createTextNode("Register or correct the publisher at "));
      p.appendChild(el("a", { href: data.publishing_url }, inline(data.publishing_url)));
      p.appendChild(document.createTextNode(" (project exists) or "));
      p.appendChild(el("a", { href: data.pending_publisher_url }, inline(data.pending_publisher_url)));
      p.appendChild(document.createTextNode(" (pending publisher)."));
      result.appendChild(p);
    } else if (data.index_links) {
      // The log does not name its index: both, labelled, rather than one that may be wrong.
      var list = el("ul", { "class": "tp-diagnose__indexes" });
      data.index_links.forEach(function (link) {
        var li = el("li", {}, "<strong>" + inline(link.label) + ":</strong> ");
        li.appendChild(el("a", { href: link.publishing_url }, inline(link.publishing_url)));
        li.appendChild(document.createTextNode(" (project exists) or "));
        li.appendChild(el("a", { href: link.pending_publisher_url }, inline(link.pending_publisher_url)));
        li.appendChild(document.createTextNode(" (pending publisher)"));
        list.appendChild(li);
      });
      result.appendChild(el("p", {}, "The log does not say which index it uploaded to; the publisher must be on that one:"));
      result.appendChild(list);
    }
  }
}

export function values() {
  var personal = globalThis.tpPersonal && globalThis.tpPersonal.values();
  var data = JSON.parse(document.getElementById("tp-personal-data").textContent);
  var v = personal || data.defaults;
  return { values: { project: v.project, owner: v.owner, repository: v.repository, workflow: v.workflow,
                     environment: v.environment, index: v.index },
           from: personal ? "your values" : "this guide's configuration" };
}

