// Fetches Material's search index (search/search_index.json, about 200 KB, the largest file of a
// page view) when the reader turns to search, not on every page load.
//
// Material requests the index with XMLHttpRequest as soon as a page loads, whether or not the
// reader will search. This script runs before Material's bundle and holds that one request back
// until the reader focuses the search box (a click, a tap, or Material's keyboard shortcuts, which
// focus it) or opens the search overlay (phone), or arrives from a search result (`?h=`, to
// highlight the terms). Material shows "Initializing search" until the index has arrived. Any
// other request is untouched; if Material ever loads the index another way, this does nothing
// and the index is fetched at load, as before.
(function () {
  "use strict";
  if (XMLHttpRequest.prototype.__tpSearchOnDemand) {
    return; // loaded twice: the first copy already holds the request
  }
  var INDEX_PATH = /\/search\/search_index\.json$/;
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  var held = [];
  var wanted = false;

  function want() {
    if (wanted) {
      return;
    }
    wanted = true;
    held.splice(0).forEach(function (request) { send.apply(request.xhr, request.args); });
  }

  XMLHttpRequest.prototype.open = function (method, url) {
    this.__tpSearchIndex = INDEX_PATH.test(new URL(String(url), location.href).pathname);
    return open.apply(this, arguments);
  };
  XMLHttpRequest.prototype.send = function () {
    if (this.__tpSearchIndex && !wanted) {
      held.push({ xhr: this, args: arguments });
      return undefined;
    }
    return send.apply(this, arguments);
  };
  XMLHttpRequest.prototype.__tpSearchOnDemand = true;

  document.addEventListener("focusin", function (event) {
    if (event.target instanceof Element && event.target.closest('[data-md-component="search"]')) {
      want();
    }
  }, true);
  document.addEventListener("change", function (event) {
    if (event.target instanceof Element && event.target.id === "__search" && event.target.checked) {
      want();
    }
  }, true);
  var params = new URLSearchParams(location.search);
  if (params.has("h") || params.has("q")) {
    want();
  }
})();
