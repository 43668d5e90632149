/**
 * The host page's half of the bridge: answers what each surface iframe asks through postMessage. The page
 * embeds, per iframe, the module key, the user, the issue or project, and the Forge context the server built
 * (a <script type="application/json" id="wb-frames">). Plain ES2017, no dependencies.
 */
export const BRIDGE_HOST_JS = `(function () {
  'use strict';
  var config = JSON.parse(document.getElementById('wb-frames').textContent);
  function colorMode() { return document.documentElement.getAttribute('data-color-mode') === 'dark' ? 'dark' : 'light'; }
  function frames() { return Array.prototype.slice.call(document.querySelectorAll('iframe[data-wb-frame]')); }
  function frameOf(source) { return frames().filter(function (f) { return f.contentWindow === source; })[0]; }
  // A surface is served from a host of its own (Forge's CDN), so it is another origin than this page.
  function originOf(frame) { return new URL(frame.src, window.location.href).origin; }
  function send(frame, msg) { if (frame.contentWindow) frame.contentWindow.postMessage(msg, originOf(frame)); }
  function withUser(path) {
    var url = new URL(path, window.location.origin);
    if (!url.searchParams.has('user')) url.searchParams.set('user', config.user);
    return url.pathname + url.search + url.hash;
  }
  function hrefOf(p) {
    if (p.url) {
      var url = new URL(p.url, window.location.origin);
      // Links to the emulated site (context.siteUrl) stay in the workbench.
      if (url.origin === config.siteUrl || url.origin === window.location.origin) return withUser(url.pathname + url.search + url.hash);
      return url.href;
    }
    if (p.target === 'issue') return withUser('/browse/' + encodeURIComponent(p.issueKey));
    if (p.target === 'projectSettingsDetails') return withUser('/projects/' + encodeURIComponent(p.projectKey) + '/settings');
    if (p.target === 'module' && p.moduleKey === config.projectPageModule && p.projectKey) return withUser('/projects/' + encodeURIComponent(p.projectKey) + '/outcomes');
    throw new Error('The workbench cannot navigate to target ' + p.target);
  }
  var flagBox = document.getElementById('wb-flags');
  function showFlag(p) {
    var old = document.getElementById('wb-flag-' + p.id);
    if (old) old.remove();
    var el = document.createElement('div');
    el.id = 'wb-flag-' + p.id; el.className = 'wb-flag wb-flag-' + (p.type || 'info');
    el.setAttribute('role', p.type === 'error' || p.type === 'warning' ? 'alert' : 'status');
    var title = document.createElement('strong'); title.textContent = p.title || ''; el.appendChild(title);
    if (p.description) { var d = document.createElement('p'); d.textContent = p.description; el.appendChild(d); }
    var close = document.createElement('button'); close.type = 'button'; close.textContent = 'Dismiss';
    close.setAttribute('aria-label', 'Dismiss ' + (p.title || 'flag'));
    close.onclick = function () { el.remove(); }; el.appendChild(close);
    flagBox.appendChild(el);
    // Jira's flag group shows a few at a time, newest last here; older ones leave instead of piling up.
    while (flagBox.children.length > MAX_FLAGS) flagBox.removeChild(flagBox.firstChild);
    // Atlaskit's AutoDismissFlag leaves after 8 s; a flag reporting an error waits for the person.
    if (p.isAutoDismiss && p.type !== 'error') setTimeout(function () { el.remove(); }, 8000);
  }
  var MAX_FLAGS = 3;
  // The flags sit over the bottom of the page: room below the content lets whatever they cover (a Save
  // message, the export buttons) scroll out from under them.
  if (flagBox && typeof ResizeObserver !== 'undefined') {
    new ResizeObserver(function () {
      document.body.style.paddingBottom = flagBox.offsetHeight ? flagBox.offsetHeight + 32 + 'px' : '';
    }).observe(flagBox);
  }
  function handle(frame, name, p) {
    var f = config.frames[frame.getAttribute('data-wb-frame')];
    switch (name) {
      case 'invoke':
        return fetch('/__bridge/invoke', {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ moduleKey: f.moduleKey, functionKey: p.functionKey, payload: p.payload, user: config.user, issueKey: f.issueKey, projectKey: f.projectKey, token: f.token })
        }).then(function (r) { return r.json(); }).then(function (a) {
          if (!a.ok) throw new Error(a.error);
          return p.metadata ? { body: a.body, metadata: {} } : a.body;
        });
      case 'getContext':
        var ctx = JSON.parse(JSON.stringify(f.context)); ctx.theme = { colorMode: colorMode() }; return ctx;
      case 'enableTheming': frame.setAttribute('data-wb-themed', 'true'); return { colorMode: colorMode() };
      case 'showFlag': showFlag(p); return true;
      case 'closeFlag': var el = document.getElementById('wb-flag-' + p.id); if (el) el.remove(); return true;
      case 'getUrl': return new URL(hrefOf(p), window.location.origin).href;
      case 'navigate':
        var href = hrefOf(p);
        if (p.type === 'new-tab') window.open(href, '_blank', 'noopener'); else window.location.assign(href);
        return true;
      case 'reload': window.location.reload(); return true;
      case 'refresh': frame.src = frame.src; return true;
      case 'emit': case 'emitPublic':
        frames().forEach(function (other) { send(other, { wb: 'event', event: p.event, payload: p.payload }); });
        return true;
      case 'changeWindowTitle': case 'emitReadyEvent': case 'emitFrontendCustomMetric': return true;
      case 'getFrameId': return frame.getAttribute('data-wb-frame');
      // A gadget's edit view: Jira keeps what it submits as the gadget's configuration, then shows the view.
      case 'submit':
        if (!f.gadgetEdit) return false;
        return fetch('/__workbench/gadget-config', {
          method: 'POST', headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ user: config.user, dashboardId: f.gadgetEdit.dashboardId, itemId: f.gadgetEdit.itemId, token: f.gadgetEdit.token, config: p })
        }).then(function (r) { return r.json(); }).then(function (a) {
          if (!a.ok) throw new Error(a.error);
          window.location.assign(f.gadgetEdit.done);
          return true;
        });
      // Not a modal or a dialog: Forge answers false, which @forge/bridge turns into its own error.
      case 'close': case 'open': case 'onClose': return false;
      default: throw new Error('The workbench bridge does not support ' + name);
    }
  }
  window.addEventListener('message', function (e) {
    var m = e.data, frame = frameOf(e.source);
    if (!frame || !m || typeof m.wb !== 'string' || e.origin !== originOf(frame)) return;
    if (m.wb === 'height') { frame.style.height = Math.max(120, Math.min(m.height, 4000)) + 'px'; return; }
    if (m.wb !== 'call') return;
    Promise.resolve().then(function () { return handle(frame, m.name, m.payload); }).then(
      function (value) { send(frame, { wb: 'reply', id: m.id, ok: true, value: value }); },
      function (err) { send(frame, { wb: 'reply', id: m.id, ok: false, error: err && err.message ? err.message : String(err) }); }
    );
  });
  var toggle = document.getElementById('wb-theme-toggle');
  if (toggle) toggle.addEventListener('click', function () {
    var next = colorMode() === 'dark' ? 'light' : 'dark';
    document.documentElement.setAttribute('data-color-mode', next);
    document.cookie = 'wb-theme=' + next + '; path=/; SameSite=Lax';
    // The button names the theme it switches to, as a label that stays put would read wrong half the time.
    toggle.textContent = next === 'dark' ? 'Light theme' : 'Dark theme';
    frames().forEach(function (f) { send(f, { wb: 'theme', colorMode: next }); });
  });
  // A pick with the mouse switches at once. Arrow keys change a closed select too, and leaving the page on the
  // first key press would make every other user unreachable from the keyboard: keys wait for the Switch button.
  var switcher = document.getElementById('wb-user');
  var pickedByKey = false;
  if (switcher) {
    switcher.addEventListener('keydown', function () { pickedByKey = true; });
    switcher.addEventListener('pointerdown', function () { pickedByKey = false; });
    switcher.addEventListener('change', function () { if (!pickedByKey) switcher.form.submit(); });
  }
  // The fault panel is an overlay: Escape closes it and gives focus back to its summary.
  var faults = document.querySelector('details.faults');
  if (faults) faults.addEventListener('keydown', function (e) {
    if (e.key !== 'Escape' || !faults.open) return;
    faults.open = false;
    faults.querySelector('summary').focus();
  });
})();
`;
