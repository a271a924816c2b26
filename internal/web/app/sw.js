/* The installed app's service worker. It keeps the fingerprinted static
   files and a neutral offline page, and nothing else: a page, an alert, a
   report or an API answer never goes in a cache, because a phone can be
   taken. Pages come from the network; when it fails, the offline page.
   The server fills in the cache's name and the files (internal/web/app). */
'use strict';
var CACHE = "{{CACHE}}";
var ASSETS = ["{{ASSETS}}"];
var OFFLINE = "{{OFFLINE}}";
var ICON = "{{ICON}}";
var NOTES_ICON = "{{NOTES_ICON}}";

self.addEventListener('install', function (e) {
  e.waitUntil(caches.open(CACHE).then(function (cache) {
    // The offline page is fetched without cookies: it can hold nothing of hers.
    var offline = fetch(OFFLINE, {credentials: 'omit', cache: 'no-store'}).then(function (r) {
      if (!r.ok) { throw new Error('offline page: ' + r.status); }
      return cache.put(OFFLINE, r);
    });
    return Promise.all([cache.addAll(ASSETS), offline]);
  }).then(function () { return self.skipWaiting(); }));
});

// A new version drops the caches of the old.
self.addEventListener('activate', function (e) {
  e.waitUntil(caches.keys().then(function (keys) {
    return Promise.all(keys.filter(function (k) { return k !== CACHE; }).map(function (k) { return caches.delete(k); }));
  }).then(function () { return self.clients.claim(); }));
});

self.addEventListener('fetch', function (e) {
  var req = e.request;
  if (req.method !== 'GET') { return; }
  var url = new URL(req.url);
  if (url.origin !== self.location.origin) { return; }
  if (req.mode === 'navigate') {
    e.respondWith(fetch(req).catch(function () {
      return caches.open(CACHE).then(function (cache) { return cache.match(OFFLINE); }).then(function (r) {
        return r || Response.error();
      });
    }));
    return;
  }
  if (ASSETS.indexOf(url.pathname) >= 0) {
    e.respondWith(caches.open(CACHE).then(function (cache) { return cache.match(url.pathname); }).then(function (r) {
      return r || fetch(req);
    }));
  }
  // Anything else (the API, images, forms' answers) goes to the network as if there were no worker.
});

// A push message (an alert was published) carries a neutral sentence in
// her language and the alert's link, encrypted to this browser; in
// discreet mode a notes app's words and icon. Nothing else is kept.
self.addEventListener('push', function (e) {
  var d = {};
  try { d = e.data ? e.data.json() : {}; } catch (err) { d = {}; }
  e.waitUntil(self.registration.showNotification(d.title || '\u2022', {
    body: d.body || '',
    tag: d.tag || undefined,
    icon: d.discreet ? NOTES_ICON : ICON,
    data: {url: d.url || '/alerts'}
  }));
});

// Opening a notification opens the alert (on this site only), in a window
// of the app if one is open.
self.addEventListener('notificationclick', function (e) {
  e.notification.close();
  var url = new URL((e.notification.data && e.notification.data.url) || '/alerts', self.location.origin);
  if (url.origin !== self.location.origin) { url = new URL('/alerts', self.location.origin); }
  e.waitUntil(self.clients.matchAll({type: 'window', includeUncontrolled: true}).then(function (windows) {
    for (var i = 0; i < windows.length; i++) {
      if ('navigate' in windows[i]) {
        return windows[i].navigate(url.href).then(function (w) { return w && w.focus(); });
      }
    }
    return self.clients.openWindow(url.href);
  }));
});
