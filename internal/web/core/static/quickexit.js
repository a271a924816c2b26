/* Exit this page: blank the page at once, then leave with location.replace
   so this page does not stay in the back history. On the way out, without
   waiting, it asks the browser to forget what it holds for the site: a
   beacon to /exit, which answers with Clear-Site-Data (caches and storage,
   the installed app's service worker among them), and the app's caches
   deleted here too, in case the beacon is lost. Also leaves when Shift is
   pressed 3 times within a second. Without JavaScript the button is still a
   plain link. */
(function () {
  'use strict';
  var link = document.querySelector('a.quick-exit');
  if (!link || !window.addEventListener) { return; }
  var root = document.documentElement;

  // Only describe the shortcut when it works, i.e. now.
  if (document.getElementById('quick-exit-hint')) {
    link.setAttribute('aria-describedby', 'quick-exit-hint');
  }

  function leave(e) {
    if (e && e.preventDefault) { e.preventDefault(); }
    if (!/(^|\s)is-exiting(\s|$)/.test(root.className)) {
      root.className += ' is-exiting';
    }
    document.title = '';
    forget();
    window.location.replace(link.href);
  }

  function forget() {
    try {
      if (navigator.sendBeacon) { navigator.sendBeacon('/exit'); }
      if (window.caches) {
        window.caches.keys().then(function (keys) {
          for (var i = 0; i < keys.length; i++) { window.caches.delete(keys[i]); }
        });
      }
    } catch (e) { /* leaving matters more */ }
  }

  link.addEventListener('click', leave, false);

  var presses = 0, first = 0;
  document.addEventListener('keydown', function (e) {
    if (!(e.key === 'Shift' || e.keyCode === 16)) { presses = 0; return; }
    if (e.repeat) { return; }
    var now = new Date().getTime();
    if (!presses || now - first > 1000) { presses = 0; first = now; }
    presses += 1;
    if (presses >= 3) { presses = 0; leave(); }
  }, false);

  // Alert bulletins: their Print button is hidden until this script can
  // print (the page tells people without JavaScript to use the browser's
  // own Print). It lives here because the CSP allows only our own files.
  var prints = document.querySelectorAll('button[data-print]');
  for (var i = 0; i < prints.length; i++) {
    if (typeof window.print !== 'function') { break; }
    prints[i].hidden = false;
    prints[i].addEventListener('click', function () { window.print(); }, false);
  }

  // If the browser brings this page back from its cache, show it again.
  window.addEventListener('pageshow', function (e) {
    if (e.persisted) {
      root.className = root.className.replace(/(^|\s)is-exiting(?=\s|$)/g, '');
    }
  }, false);
}());
