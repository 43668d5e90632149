/**
 * The script the host injects into every Custom UI iframe before the surface's main.js. @forge/bridge reads
 * `window.__bridge` when its modules load, so this must run first. It keeps no state beyond what cannot
 * cross postMessage (event callbacks, the history object) and forwards everything else to the parent page.
 * Plain ES2017, no dependencies.
 */
export const BRIDGE_CLIENT_JS = `(function () {
  'use strict';
  var host = window.parent, seq = 0, pending = {}, listeners = {}, themed = false, mode = 'light';
  // The host page is the Jira site, another origin than this frame's: messages go to that origin only.
  var hostOrigin = (window.location.ancestorOrigins && window.location.ancestorOrigins[0]) ||
    (document.referrer ? new URL(document.referrer).origin : window.location.origin);
  function post(msg) { host.postMessage(msg, hostOrigin); }
  function call(name, payload) {
    return new Promise(function (resolve, reject) {
      var id = ++seq;
      pending[id] = { resolve: resolve, reject: reject };
      post({ wb: 'call', id: id, name: name, payload: payload });
    });
  }
  function applyTheme() {
    if (!themed) return;
    var html = document.documentElement;
    html.setAttribute('data-color-mode', mode);
    html.setAttribute('data-theme', 'dark:dark light:light spacing:spacing typography:typography shape:shape');
    if (!document.getElementById('wb-tokens')) {
      var link = document.createElement('link');
      link.id = 'wb-tokens'; link.rel = 'stylesheet'; link.href = '/__bridge/tokens.css';
      document.head.appendChild(link);
    }
  }
  window.addEventListener('message', function (e) {
    var m = e.data;
    if (e.source !== host || e.origin !== hostOrigin || !m || typeof m.wb !== 'string') return;
    if (m.wb === 'reply' && pending[m.id]) {
      var p = pending[m.id]; delete pending[m.id];
      if (m.ok) p.resolve(m.value); else p.reject(new Error(m.error));
    } else if (m.wb === 'theme') { mode = m.colorMode; applyTheme(); }
    else if (m.wb === 'event') {
      (listeners[m.event] || []).slice().forEach(function (cb) { try { cb(m.payload); } catch (err) { console.error(err); } });
    }
  });
  var location0 = { pathname: '/', search: '', hash: '', state: undefined, key: 'initial' };
  var historyListeners = [];
  function go(kind, to, state) {
    var path = typeof to === 'string' ? to : (to.pathname || '/') + (to.search || '') + (to.hash || '');
    var m = /^([^?#]*)(\\?[^#]*)?(#.*)?$/.exec(path) || [];
    history.location = { pathname: m[1] || '/', search: m[2] || '', hash: m[3] || '', state: state, key: String(++seq) };
    history.action = kind;
    historyListeners.slice().forEach(function (cb) { cb(history.location, kind); });
  }
  // A memory history: the surface routes inside its iframe without touching the host page's URL.
  var history = {
    action: 'POP', location: location0, length: 1,
    push: function (to, state) { go('PUSH', to, state); },
    replace: function (to, state) { go('REPLACE', to, state); },
    go: function () {}, back: function () {}, forward: function () {},
    listen: function (cb) { historyListeners.push(cb); return function () { historyListeners = historyListeners.filter(function (x) { return x !== cb; }); }; },
    block: function () { return function () {}; },
    createHref: function (to) { return typeof to === 'string' ? to : (to.pathname || '/') + (to.search || '') + (to.hash || ''); }
  };
  window.__bridge = {
    callBridge: function (name, payload) {
      if (name === 'on' || name === 'onPublic') {
        var event = payload.event, cb = payload.callback;
        (listeners[event] = listeners[event] || []).push(cb);
        return Promise.resolve({ unsubscribe: function () { listeners[event] = listeners[event].filter(function (x) { return x !== cb; }); } });
      }
      if (name === 'createHistory') return Promise.resolve(history);
      if (name === 'enableTheming') return call(name).then(function (r) { themed = true; mode = r.colorMode; applyTheme(); });
      return call(name, payload);
    }
  };
  function reportHeight() {
    var b = document.body;
    if (b) post({ wb: 'height', height: Math.ceil(b.getBoundingClientRect().height) + 16 });
  }
  document.addEventListener('DOMContentLoaded', function () {
    if (window.ResizeObserver) new ResizeObserver(reportHeight).observe(document.body);
    reportHeight();
  });
})();
`;
