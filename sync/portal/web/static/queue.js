// The clerk page, live: when the site's queue changes (a new number,
// another clerk's call) the page reloads, unless the clerk is typing. A
// lost connection is said, so nobody trusts a stale page.
(function () {
  var panel = document.getElementById("queue-live");
  if (!panel || !window.EventSource) return;
  var lost = document.getElementById("queue-lost");
  var events = new EventSource(panel.dataset.events);
  events.addEventListener("changed", function () {
    var a = document.activeElement;
    if (a && (a.tagName === "INPUT" || a.tagName === "SELECT" || a.tagName === "TEXTAREA")) return;
    location.reload();
  });
  events.onerror = function () { lost.hidden = false; };
  events.onopen = function () { lost.hidden = true; };
})();
