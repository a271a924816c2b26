/* Turning notifications on for this device: the browser asks her
   permission (only now, when she chose to), subscribes with the service's
   key, and the subscription goes to /account/push. Without JavaScript, or
   in a browser without push, the page says so instead. */
(function () {
  'use strict';
  var box = document.getElementById('push-on');
  if (!box) { return; }
  var status = document.getElementById('push-status');
  if (!('serviceWorker' in navigator) || !('PushManager' in window) || !('Notification' in window) || !window.isSecureContext) {
    return;
  }
  document.getElementById('push-unsupported').hidden = true;
  box.hidden = false;
  var button = box.querySelector('button');

  function key(s) {
    s = s.replace(/-/g, '+').replace(/_/g, '/');
    while (s.length % 4) { s += '='; }
    var raw = atob(s), out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) { out[i] = raw.charCodeAt(i); }
    return out;
  }
  function Told(message) { this.message = message; }

  button.addEventListener('click', function () {
    button.disabled = true;
    status.hidden = true;
    Notification.requestPermission().then(function (p) {
      if (p !== 'granted') { throw new Told(box.dataset.denied); }
      return navigator.serviceWorker.register('/sw.js', {scope: '/'}).then(function () { return navigator.serviceWorker.ready; });
    }).then(function (reg) {
      return reg.pushManager.subscribe({userVisibleOnly: true, applicationServerKey: key(box.dataset.key)});
    }).then(function (sub) {
      return fetch('/account/push', {method: 'POST', credentials: 'same-origin',
        headers: {'Content-Type': 'application/json'}, body: JSON.stringify(sub)});
    }).then(function (r) {
      if (r.status === 201) { window.location.assign('/account/push?done=on'); return; }
      return r.json().then(function (j) { throw new Told(j && j.error && j.error.message); });
    }).catch(function (e) {
      status.textContent = (e instanceof Told && e.message) ? e.message : box.dataset.failed;
      status.hidden = false;
      button.disabled = false;
    });
  });
}());
