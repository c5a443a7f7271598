// The call-up display: state by server-sent events; each new call sounds a
// gong and is spoken (German, and the language the number was drawn in),
// one after the other, never cut off. No message for 5 s: "Verbindung
// unterbrochen"; the browser reconnects by itself and the page keeps the
// last state meanwhile.
(function () {
  var main = document.getElementById("display");
  var offline = document.getElementById("offline");
  var lastCall = null, lastSeen = Date.now(), playing = false, queue = [];
  function text(id, v) { document.getElementById(id).textContent = v; }
  function list(id, items, fmt) {
    var el = document.getElementById(id);
    while (el.firstChild) el.removeChild(el.firstChild);
    items.forEach(function (it) { var li = document.createElement("li"); li.textContent = fmt(it); el.appendChild(li); });
  }
  function gong(done) {
    try {
      var ctx = new (window.AudioContext || window.webkitAudioContext)();
      [660, 523].forEach(function (f, i) {
        var o = ctx.createOscillator(), g = ctx.createGain();
        o.frequency.value = f; o.connect(g); g.connect(ctx.destination);
        var t = ctx.currentTime + i * 0.5;
        g.gain.setValueAtTime(0.4, t); g.gain.exponentialRampToValueAtTime(0.001, t + 1);
        o.start(t); o.stop(t + 1);
      });
      setTimeout(done, 1300);
    } catch (e) { done(); }
  }
  function next() {
    if (playing || queue.length === 0) return;
    playing = true;
    var src = queue.shift();
    var play = function () {
      var a = new Audio(src);
      a.onended = a.onerror = function () { playing = false; next(); };
      a.play().catch(function () { playing = false; next(); });
    };
    if (src.indexOf("first=1") >= 0) gong(play); else play();
  }
  function announce(c) {
    var base = main.dataset.audio + "&label=" + encodeURIComponent(c.label) + "&counter=" + encodeURIComponent(c.counter);
    queue.push(base + "&lang=de&first=1");
    if (c.lang && c.lang !== "de") queue.push(base + "&lang=" + encodeURIComponent(c.lang));
    next();
  }
  var events = new EventSource(main.dataset.events);
  events.addEventListener("state", function (e) {
    lastSeen = Date.now();
    offline.hidden = true;
    var s = JSON.parse(e.data);
    if (s.current) {
      text("now-label", s.current.label); text("now-counter", s.current.counter);
      var key = s.current.label + "@" + s.current.at;
      if (lastCall !== null && key !== lastCall) announce(s.current);
      lastCall = key;
    } else if (lastCall === null) { lastCall = ""; }
    list("recent", s.recent || [], function (c) { return c.label + "  " + c.counter; });
    list("waiting", s.waiting || [], function (w) { return w.prefix + ": " + w.waiting; });
  });
  events.addEventListener("revoked", function () { offline.textContent = main.dataset.revoked || "Anzeige gesperrt"; offline.hidden = false; events.close(); });
  setInterval(function () { if (Date.now() - lastSeen > 5000) offline.hidden = false; }, 1000);
})();
