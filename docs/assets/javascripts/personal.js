// "Your project": the reader's own values in place of the configured subject's, on every page.
//
// The build marked every subject value once (macros/personal.py): text as
// <span data-tp="key">value</span>, attributes as data-tp-<attr>="template with {key}". This
// script only fills them in from the reader's values (local storage, or a shared link's query
// parameters), again after each instant navigation. Nothing is requested from anywhere.
(function () {
  "use strict";
  if (globalThis.tpPersonal) { globalThis.tpPersonal.apply(); return; } // run again by instant navigation
  var STORAGE_KEY = "tp-personal";
  var PARAM_PREFIX = "tp_";
  // Left empty, these take the guide's own values (generic names); the project, owner and repository
  // are the reader's to give: a default is not a fact about their package.
  var OPTIONAL = ["workflow", "environment", "index"];
  var ATTRS = ["href", "title", "content", "value", "data-clipboard-text"];
  var dataElement = document.getElementById("tp-personal-data");
  var DATA = dataElement ? JSON.parse(dataElement.textContent) : null;
  if (!DATA) return;

  function withDefaults(values) {
    OPTIONAL.forEach(function (key) { if (!values[key]) values[key] = DATA.defaults[key]; });
    return values;
  }

  function validate(values) {
    var errors = {};
    DATA.fields.forEach(function (key) {
      var value = values[key];
      if (key === "index") {
        if (!DATA.indexes[value]) errors[key] = "choose PyPI or TestPyPI";
        return;
      }
      var rule = DATA.patterns[key];
      if (!value) errors[key] = "required";
      else if (rule && !new RegExp(rule.source, rule.flags).test(value)) errors[key] = "not a valid name";
    });
    return errors;
  }

  function fromQuery() {
    var params = new URLSearchParams(location.search);
    var values = {}, any = false;
    DATA.fields.forEach(function (key) {
      var v = params.get(PARAM_PREFIX + key);
      if (v !== null) { values[key] = v.trim(); any = true; }
    });
    if (!any) return null;
    withDefaults(values);
    return Object.keys(validate(values)).length ? null : values;
  }

  function load() {
    try {
      var values = JSON.parse(localStorage.getItem(STORAGE_KEY) || "null");
      return values && !Object.keys(validate(values)).length ? values : null;
    } catch (e) { return null; }
  }

  function save(values) {
    try {
      if (values) localStorage.setItem(STORAGE_KEY, JSON.stringify(values));
      else localStorage.removeItem(STORAGE_KEY);
    } catch (e) { /* private mode: the values last for this page only */ }
    current = values;
  }

  // trustpub.config.normalize_project (PEP 503), as PyPI's URLs use it.
  function slug(project) { return encodeURIComponent(project.replace(/[-_.]+/g, "-").toLowerCase()); }

  function derive(values) {
    var index = DATA.indexes[values.index];
    return {
      project: values.project, owner: values.owner, repository: values.repository,
      workflow: values.workflow, environment: values.environment, index: values.index,
      project_slug: slug(values.project), index_name: index.index_name,
      dist_name: values.project.replace(/[-_.]+/g, "_").toLowerCase(), // in distribution file names
      index_url: index.index_url, upload_url: index.upload_url,
    };
  }

  function fill(template, values) {
    return template.replace(/\{\{|\}\}|\{(\w+)\}/g, function (all, key) {
      if (all === "{{") return "{";
      if (all === "}}") return "}";
      return values[key] !== undefined ? values[key] : all;
    });
  }

  var current = null;
  var BADGE_NOTE = "Badges are shown for the guide's own project only: showing them for yours would " +
    "mean asking PyPI from your browser, and no page of this guide contacts another site.";

  function fillSpans(root, values) {
    root.querySelectorAll("[data-tp]").forEach(function (el) {
      if (!el.hasAttribute("data-tp-default")) el.setAttribute("data-tp-default", el.textContent);
      var original = el.getAttribute("data-tp-default");
      var shown = values && values[el.dataset.tp] !== undefined ? values[el.dataset.tp] : original;
      if (el.textContent !== shown) el.textContent = shown;
      el.classList.toggle("tp-value--personal", !!values && shown !== original);
    });
  }

  function apply() {
    var values = current ? derive(current) : null;
    fillSpans(document, values);
    ATTRS.forEach(function (attr) {
      document.querySelectorAll("[data-tp-" + attr + "]").forEach(function (el) {
        var keep = "data-tp-default-" + attr;
        if (!el.hasAttribute(keep)) el.setAttribute(keep, el.getAttribute(attr) || "");
        var value = values ? fill(el.getAttribute("data-tp-" + attr), values) : el.getAttribute(keep);
        if (el.getAttribute(attr) !== value) el.setAttribute(attr, value);
      });
    });
    // Code lines (the workflow file, commands) that now name the reader's values are marked as changed.
    document.querySelectorAll(".tp-changed").forEach(function (line) { line.classList.remove("tp-changed"); });
    document.querySelectorAll(".highlight .tp-value--personal").forEach(function (el) {
      var line = el.closest('span[id^="__span-"]') || el.closest("code");
      if (line) line.classList.add("tp-changed");
    });
    document.querySelectorAll(".tp-badges").forEach(function (badges) {
      badges.hidden = !!values;
      var note = badges.nextElementSibling;
      if (!note || !note.classList.contains("tp-badges-note")) {
        note = document.createElement("span");
        note.className = "tp-badges-note";
        note.textContent = BADGE_NOTE;
        badges.after(note);
      }
      note.hidden = !values;
    });
    var openButton = document.getElementById("tp-personal-open");
    if (openButton) {
      openButton.classList.toggle("tp-personal-open--active", !!values);
      openButton.setAttribute("aria-label", values ? "Your project: " + current.project + " (change)" : "Your project");
    }
    document.documentElement.classList.toggle("tp-personal-on", !!values);
    retitle();
  }

  // The browser tab's title says what the page's heading says (with the reader's values).
  function retitle() {
    var heading = document.querySelector(".md-content h1");
    if (!heading || !heading.querySelector("[data-tp]")) return;
    var original = heading.cloneNode(true);
    original.querySelectorAll(".headerlink").forEach(function (a) { a.remove(); });
    var shown = original.textContent.trim();
    original.querySelectorAll("[data-tp]").forEach(function (el) { el.textContent = el.getAttribute("data-tp-default"); });
    var configured = original.textContent.trim();
    if (titleOf.path !== location.pathname) titleOf = { path: location.pathname, title: document.title };
    if (titleOf.title.indexOf(configured) !== -1) document.title = titleOf.title.replace(configured, shown);
  }
  var titleOf = { path: null, title: "" };

  // -- the form ------------------------------------------------------------
  var dialog = document.getElementById("tp-personal-dialog");
  var form = document.getElementById("tp-personal-form");
  var status = document.getElementById("tp-personal-status");
  var openButton = document.getElementById("tp-personal-open");

  function formValues() {
    var values = {};
    DATA.fields.forEach(function (key) {
      values[key] = form.elements[key].value.trim() || (key === "index" ? "pypi" : "");
    });
    return values;
  }

  function showForm() {
    var values = current || DATA.defaults;
    DATA.fields.forEach(function (key) { form.elements[key].value = current ? values[key] : ""; });
    if (!current) form.elements.index.value = DATA.defaults.index;
    status.textContent = current ? "Showing your values on every page." : "Showing the guide's own project.";
    dialog.showModal();
    form.elements.project.focus();
  }

  function shareLink(values) {
    var url = new URL(location.href);
    DATA.fields.forEach(function (key) { url.searchParams.set(PARAM_PREFIX + key, values[key]); });
    return url.href;
  }

  function placeButton() {
    var header = document.querySelector(".md-header__inner");
    var search = header && header.querySelector(".md-search");
    if (header && openButton.parentElement !== header) header.insertBefore(openButton, search || null);
    openButton.hidden = false;
  }

  if (dialog && form && openButton) {
    placeButton();
    openButton.addEventListener("click", showForm);
    form.addEventListener("submit", function (event) {
      var values = formValues();
      withDefaults(values);
      var errors = validate(values);
      DATA.fields.forEach(function (key) {
        var out = document.getElementById("tp-error-" + key);
        if (out) out.textContent = errors[key] || "";
        form.elements[key].setAttribute("aria-invalid", errors[key] ? "true" : "false");
      });
      if (Object.keys(errors).length) { event.preventDefault(); status.textContent = "Please correct the marked fields."; return; }
      save(values);
      apply();
    });
    document.getElementById("tp-personal-clear").addEventListener("click", function () {
      save(null);
      apply();
      DATA.fields.forEach(function (key) { form.elements[key].value = ""; });
      form.elements.index.value = DATA.defaults.index;
      status.textContent = "Cleared: showing the guide's own project.";
    });
    document.getElementById("tp-personal-close").addEventListener("click", function () { dialog.close(); });
    document.getElementById("tp-personal-share").addEventListener("click", function () {
      var values = formValues();
      withDefaults(values);
      var link = shareLink(values);
      var done = function () { status.textContent = "Link copied: " + link; };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(link).then(done, function () { status.textContent = link; });
      } else { status.textContent = link; }
    });
    dialog.addEventListener("close", function () { openButton.focus(); });
  }

  // Material draws a diagram from its block's text as soon as a page arrives by instant navigation,
  // before this script hears of the page: the block's values are filled in when its text is read.
  var textContent = Object.getOwnPropertyDescriptor(Node.prototype, "textContent");
  if (textContent && textContent.get) {
    Object.defineProperty(Node.prototype, "textContent", {
      configurable: true, enumerable: textContent.enumerable, set: textContent.set,
      get: function () {
        if (current && this.nodeType === 1 && this.classList.contains("mermaid") && !this.hasAttribute("data-tp-filled")) {
          this.setAttribute("data-tp-filled", "");
          fillSpans(this, derive(current));
        }
        return textContent.get.call(this);
      },
    });
  }

  var shared = fromQuery();
  if (shared) save(shared); else current = load();
  apply();
  globalThis.tpPersonal = {
    apply: apply,
    values: function () { return current ? derive(current) : null; },
    set: function (values) { save(values); apply(); },
  };
  // Material's instant navigation swaps the page's content without running this file again.
  if (typeof globalThis.document$ !== "undefined" && globalThis.document$.subscribe) {
    globalThis.document$.subscribe(function () { placeButton(); apply(); });
  }
})();
