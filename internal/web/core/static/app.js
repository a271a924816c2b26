/* The installable app: register the service worker (/sw.js), which keeps
   the static files and a neutral offline page, nothing else. Without it
   (an old browser, no JavaScript) the site works the same, online. */
(function () {
  'use strict';
  if (!('serviceWorker' in navigator) || !window.isSecureContext) { return; }
  navigator.serviceWorker.register('/sw.js', {scope: '/'}).catch(function () {});
}());
