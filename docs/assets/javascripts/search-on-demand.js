// Fetches Material's search (its index, search/search_index.json, about 200 KB, the largest file
// of a page view, and its web worker's script, about 40 KB) when the reader turns to search, not
// on every page load.
//
// Material requests the index with XMLHttpRequest and starts the worker as soon as a page loads,
// whether or not the reader will search. This script runs before Material's bundle and holds that
// one request back, and hands Material a stand-in for the worker that starts the real one when
// search is wanted or first spoken to, until the reader focuses the search box (a click, a tap, or Material's keyboard shortcuts, which
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
  var WORKER_PATH = /\/assets\/javascripts\/workers\/search\.[0-9a-f]+\.min\.js$/;
  var open = XMLHttpRequest.prototype.open;
  var send = XMLHttpRequest.prototype.send;
  var RealWorker = window.Worker;
  var held = [];
  var waiting = [];  // stand-ins whose worker starts when search is wanted
  var wanted = false;

  function want() {
    if (wanted) {
      return;
    }
    wanted = true;
    held.splice(0).forEach(function (request) { send.apply(request.xhr, request.args); });
    waiting.splice(0).forEach(function (standIn) { standIn.start(); });
  }

  // What Material does with its worker: addEventListener/removeEventListener for "message" (RxJS
  // fromEvent), postMessage, terminate. The real worker gets every listener, and every message in
  // order, once it starts.
  function LazyWorker(url, options) {
    var real = null;
    var listeners = [];
    var queued = [];
    this.start = function () {
      if (real === null) {
        real = new RealWorker(url, options);
        listeners.forEach(function (args) { real.addEventListener.apply(real, args); });
        queued.splice(0).forEach(function (args) { real.postMessage.apply(real, args); });
      }
      return real;
    };
    this.addEventListener = function () {
      listeners.push(arguments);
      if (real !== null) {
        real.addEventListener.apply(real, arguments);
      }
    };
    this.removeEventListener = function (type, listener) {
      listeners = listeners.filter(function (args) { return !(args[0] === type && args[1] === listener); });
      if (real !== null) {
        real.removeEventListener.apply(real, arguments);
      }
    };
    this.postMessage = function () {
      if (real === null && !wanted) {
        queued.push(arguments);
        return;
      }
      this.start().postMessage.apply(real, arguments);
    };
    this.terminate = function () {
      if (real !== null) {
        real.terminate();
      }
    };
  }

  if (typeof RealWorker === "function") {
    window.Worker = function (url, options) {
      if (!(this instanceof window.Worker) || !WORKER_PATH.test(new URL(String(url), location.href).pathname)) {
        return new RealWorker(url, options);  // any other worker starts as it always does
      }
      var standIn = new LazyWorker(url, options);
      if (wanted) {
        standIn.start();
      } else {
        waiting.push(standIn);
      }
      return standIn;
    };
    window.Worker.prototype = RealWorker.prototype;
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
