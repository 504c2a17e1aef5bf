/* Kring's only script. Everything works without it; with it:
 *  - circle pages stay live: a WebSocket to /api/v1/live, subscribed with the
 *    page's version; each event fetches the same page again (min_version = the
 *    event's version) and swaps the content of <main>, keeping focus, what was
 *    typed and open <details>; a lost connection comes back by itself and
 *    catches up from the page's version;
 *  - a marketplace's board and a volunteer's page (main[data-marketplace])
 *    watch the organisation's marketplace and fetch themselves again in the
 *    same way when it changes;
 *  - "copy" buttons (data-copy="<input id>"), and fields that select all
 *    they hold when focused (data-select-on-focus);
 *  - "print" buttons (data-print);
 *  - /join reads the invitation code from the address after '#'.
 * No inline handlers or styles: elements are found by data- attributes. */
(function () {
  'use strict';

  var status = document.getElementById('live-status');

  function announce(text) {
    if (!status || !text) return;
    status.textContent = '';
    window.setTimeout(function () { status.textContent = text; }, 60);
  }

  function said(name) {
    return status ? status.getAttribute(name) : '';
  }

  /* ---- copy buttons ---- */
  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('[data-copy]') : null;
    if (!button) return;
    var input = document.getElementById(button.getAttribute('data-copy'));
    if (!input) return;
    var done = function () { announce(said('data-copied')); };
    input.select();
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () {
        if (document.execCommand('copy')) done();
      });
    } else if (document.execCommand('copy')) {
      done();
    }
  });

  document.addEventListener('click', function (event) {
    var button = event.target.closest ? event.target.closest('[data-print]') : null;
    if (button) window.print();
  });

  document.addEventListener('focusin', function (event) {
    var field = event.target;
    if (field && field.hasAttribute && field.hasAttribute('data-select-on-focus')) field.select();
  });

  /* ---- joining: the code travels after '#', never to the server's logs ---- */
  if (location.pathname === '/join' || location.pathname.indexOf('/volunteer/') === 0) {
    var fromHash = location.hash.length > 1 ? decodeURIComponent(location.hash.slice(1)) : '';
    var code = fromHash;
    try {
      if (fromHash) sessionStorage.setItem('kring_join', fromHash);
      else code = sessionStorage.getItem('kring_join') || '';
    } catch (e) { /* private mode: the hash alone */ }
    if (fromHash && history.replaceState) {
      history.replaceState(null, '', location.pathname + location.search);
    }
    var codeInput = document.querySelector('[data-join-code]');
    if (codeInput && code && !codeInput.value) codeInput.value = code;
    var joinForm = document.querySelector('form[data-join]');
    if (joinForm) {
      joinForm.addEventListener('submit', function () {
        try { sessionStorage.removeItem('kring_join'); } catch (e) { /* nothing kept */ }
      });
    }
  }

  /* ---- live circle and marketplace pages ---- */
  var main = document.querySelector('main[data-circle], main[data-marketplace]');
  if (!main || !('WebSocket' in window) || !window.fetch || !window.DOMParser) return;

  var circle = main.getAttribute('data-circle');
  var marketplace = main.getAttribute('data-marketplace');
  var watchedBefore = false;
  var version = Number(main.getAttribute('data-version')) || 0;
  var wanted = version;
  var epoch = null;
  var socket = null;
  var attempts = 0;
  var reconnectTimer = null;
  var fetching = false;
  var again = false;
  var stopped = false;
  var stateLine = document.getElementById('live-state');

  function showState(on) {
    if (stateLine) stateLine.textContent = stateLine.getAttribute(on ? 'data-on' : 'data-off');
  }

  function stop(message) {
    stopped = true;
    if (socket) { try { socket.close(); } catch (e) { /* already closed */ } }
    if (stateLine) stateLine.textContent = message;
    announce(message);
  }

  function pageAddress(minVersion) {
    var url = new URL(location.href);
    url.hash = '';
    url.searchParams.delete('min_version');
    if (minVersion > 0) url.searchParams.set('min_version', String(minVersion));
    return url.toString();
  }

  /* What identifies a focusable element across two renderings of the page. */
  function keyOf(element) {
    if (element.id) return '#' + element.id;
    var form = element.form || (element.closest && element.closest('form'));
    return [
      element.tagName,
      form ? form.getAttribute('action') : '',
      element.getAttribute('name') || '',
      element.getAttribute('value') || '',
      element.getAttribute('href') || '',
      (element.textContent || '').trim()
    ].join('|');
  }

  function findByKey(key) {
    if (key.charAt(0) === '#') return document.getElementById(key.slice(1));
    var all = main.querySelectorAll('a[href], button, input, select, textarea, summary');
    for (var i = 0; i < all.length; i++) {
      if (keyOf(all[i]) === key) return all[i];
    }
    return null;
  }

  function swap(html) {
    var doc = new DOMParser().parseFromString(html, 'text/html');
    var fresh = doc.querySelector('main');
    if (!fresh) return false;
    if (fresh.getAttribute('data-circle') !== circle) return false;
    if (fresh.getAttribute('data-marketplace') !== marketplace) return false;

    var active = document.activeElement;
    var focusKey = active && active !== main && main.contains(active) ? keyOf(active) : null;
    var typed = [];
    main.querySelectorAll('input[id], textarea[id], select[id]').forEach(function (field) {
      if (field.type === 'hidden') return;
      if (field.type === 'checkbox' || field.type === 'radio') {
        if (field.checked !== field.defaultChecked) typed.push([field.id, 'checked', field.checked]);
      } else if (field.tagName === 'SELECT') {
        var option = field.options[field.selectedIndex];
        if (option && !option.defaultSelected) typed.push([field.id, 'value', field.value]);
      } else if (field.value !== field.defaultValue) {
        typed.push([field.id, 'value', field.value]);
      }
    });
    var open = [];
    main.querySelectorAll('details[id]').forEach(function (d) { open.push([d.id, d.open]); });

    // What is marked data-keep (the last form's message, a new invitation
    // link) stays where it is; everything else is replaced.
    Array.prototype.slice.call(main.childNodes).forEach(function (node) {
      if (!(node.nodeType === 1 && node.hasAttribute('data-keep'))) main.removeChild(node);
    });
    Array.prototype.slice.call(fresh.childNodes).forEach(function (node) {
      if (node.nodeType === 1 && node.hasAttribute('data-keep') && node.id &&
          document.getElementById(node.id)) return;
      main.appendChild(document.importNode(node, true));
    });

    typed.forEach(function (t) {
      var field = document.getElementById(t[0]);
      if (field && main.contains(field)) field[t[1]] = t[2];
    });
    open.forEach(function (o) {
      var d = document.getElementById(o[0]);
      if (d && main.contains(d)) d.open = o[1];
    });
    if (focusKey) {
      var target = findByKey(focusKey);
      if (target && target.focus) target.focus({ preventScroll: true });
      else main.focus({ preventScroll: true });
    }
    if (doc.title) document.title = doc.title;
    var freshVersion = Number(fresh.getAttribute('data-version')) || version;
    if (freshVersion > version) version = freshVersion;
    main.setAttribute('data-version', String(version));
    return true;
  }

  /* Fetch the page again, at least at `minVersion`; one fetch at a time. */
  function refresh(minVersion) {
    if (stopped) return;
    if (minVersion > wanted) wanted = minVersion;
    if (fetching) { again = true; return; }
    fetching = true;
    again = false;
    fetch(pageAddress(wanted), {
      credentials: 'same-origin',
      cache: 'no-store',
      headers: { 'X-Kring-Live': '1' }
    }).then(function (response) {
      var landed = new URL(response.url || location.href);
      if (landed.pathname === '/login') { stop(said('data-signed-out')); return null; }
      if (response.status === 404) { stop(said('data-removed')); return null; }
      if (!response.ok) throw new Error('status ' + response.status);
      return response.text();
    }).then(function (html) {
      fetching = false;
      if (html === null || stopped) return;
      if (swap(html)) announce(said('data-updated'));
      if (again || wanted > version) refresh(0);
    }).catch(function () {
      fetching = false;
      // The server was busy or away: try once more a little later.
      window.setTimeout(function () { refresh(0); }, 2000);
    });
  }

  function connect() {
    if (stopped || socket) return;
    window.clearTimeout(reconnectTimer);
    var scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
    var ws;
    try {
      ws = new WebSocket(scheme + '//' + location.host + '/api/v1/live');
    } catch (e) {
      later();
      return;
    }
    socket = ws;
    ws.onopen = function () {
      if (marketplace) {
        ws.send(JSON.stringify({ type: 'watch_marketplace', organisation: marketplace }));
        attempts = 0;
        showState(true);
        // Whatever changed while the socket was away.
        if (watchedBefore) refresh(0);
        watchedBefore = true;
        return;
      }
      var message = { type: 'subscribe', circle: circle, after: version };
      if (epoch) message.epoch = epoch;
      ws.send(JSON.stringify(message));
    };
    ws.onmessage = function (event) {
      var message;
      try { message = JSON.parse(event.data); } catch (e) { return; }
      if (message.circle && message.circle !== circle) return;
      switch (message.type) {
        case 'event':
          if (message.version > version) refresh(message.version);
          break;
        case 'subscribed':
          attempts = 0;
          epoch = message.epoch;
          showState(true);
          if (message.version > version) refresh(message.version);
          break;
        case 'reload':
          // History cannot be replayed: load the page afresh, then subscribe
          // again from its version.
          epoch = null;
          wanted = 0;
          refresh(0);
          try { ws.close(); } catch (e) { /* closing anyway */ }
          break;
        case 'removed':
          stop(said('data-removed'));
          break;
        case 'marketplace_changed':
          if (message.organisation === marketplace) refresh(0);
          break;
        default:
          break; // 'closing' and 'error': the close that follows reconnects.
      }
    };
    ws.onclose = function () {
      if (socket === ws) socket = null;
      if (stopped) return;
      showState(false);
      later();
    };
  }

  /* Reconnect with backoff: ½ s, 1 s, 2 s ... at most 15 s, with jitter. */
  function later() {
    if (stopped) return;
    var delay = Math.min(15000, 500 * Math.pow(2, attempts));
    attempts += 1;
    window.clearTimeout(reconnectTimer);
    reconnectTimer = window.setTimeout(connect, delay / 2 + Math.random() * delay / 2);
  }

  window.addEventListener('online', function () { attempts = 0; connect(); });
  document.addEventListener('visibilitychange', function () {
    if (document.visibilityState === 'visible') { attempts = 0; connect(); }
  });
  window.addEventListener('pageshow', function (event) {
    if (event.persisted) { attempts = 0; connect(); refresh(0); }
  });
  window.addEventListener('pagehide', function () {
    if (socket) { try { socket.close(); } catch (e) { /* gone */ } socket = null; }
  });

  connect();
})();
