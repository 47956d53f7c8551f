// Loads mermaid (mermaid.min.js beside this file, about 3.5 MB) only on pages that have a diagram.
//
// Material draws a `.mermaid` block with the global `mermaid` when one is defined, and only
// then: otherwise it would fetch mermaid from a CDN (unpkg.com). This small stand-in is that
// global on every page; it loads the real library from this site the first time a diagram is
// drawn. Loading it replaces the stand-in (the library sets `globalThis.mermaid` itself), so
// later diagrams, also after instant navigation, go straight to the real library.
(function () {
  "use strict";
  if (typeof globalThis.mermaid === "object" && !(globalThis.mermaid instanceof Element)) {
    return; // run again (instant navigation): the stand-in or the real library is already here
  }
  var self = document.currentScript || document.querySelector('script[src*="mermaid-loader.js"]');
  var src = new URL("mermaid.min.js", self.src).href;
  var settings = null;
  var loading = null;
  // Material colours the sequence arrowheads through `#arrowhead`, an id mermaid 11 no longer uses
  // (it names them `<diagram id>-arrowhead`): without this they stay mermaid's dark grey, unseen on
  // the dark palette. Added to Material's own theme CSS, drawn in the message line's colour.
  var ARROWHEADS = '[id$="-arrowhead"] path, [id$="-filled-head"] path' +
    "{fill:var(--md-mermaid-sequence-message-line-color)!important;stroke:none}";

  function load() {
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = src;
        script.onload = function () { resolve(globalThis.mermaid); };
        script.onerror = function () { loading = null; reject(new Error("could not load " + src)); };
        document.head.appendChild(script);
      });
    }
    return loading;
  }

  globalThis.mermaid = {
    initialize: function (config) {
      settings = Object.assign({}, config, { themeCSS: ((config && config.themeCSS) || "") + ARROWHEADS });
    },
    render: function (id, text) {
      return load().then(function (real) {
        real.initialize(settings || {});
        return real.render(id, text);
      });
    },
  };
})();
