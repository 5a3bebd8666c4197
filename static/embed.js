/* explainer: tells the page around an embed how tall it is, in the messages
   Pym.js, Datawrapper and AMP hosts listen for. The embed reads without it. */
(function () {
  var host = window.parent;
  if (!host || host === window) return;
  var asked = /[?&]childId=([^&#]*)/.exec(location.search);
  var id = asked ? decodeURIComponent(asked[1]) : location.pathname;
  var last = 0;
  function send() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (!height || height === last) return;
    last = height;
    var sizes = {};
    sizes[id] = height;
    host.postMessage('xPYMx' + id + 'xPYMxheightxPYMx' + height, '*');
    host.postMessage({ 'datawrapper-height': sizes }, '*');
    host.postMessage({ sentinel: 'amp', type: 'embed-size', height: height }, '*');
  }
  if (window.ResizeObserver) new ResizeObserver(send).observe(document.documentElement);
  addEventListener('load', send);
  send();
})();
