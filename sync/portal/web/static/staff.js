// Progressive enhancement for the "today" page: new guide calls arrive
// by server-sent events, are added to the list (announced by its live
// region) and sound a short gong. Without JavaScript the page shows the
// calls when loaded.
(function () {
  var list = document.getElementById("calls");
  if (!list || !window.EventSource) return;
  var empty = document.getElementById("no-calls");
  function gong() {
    try {
      var ctx = new (window.AudioContext || window.webkitAudioContext)();
      [660, 523].forEach(function (f, i) {
        var o = ctx.createOscillator(), g = ctx.createGain();
        o.frequency.value = f; o.connect(g); g.connect(ctx.destination);
        var t = ctx.currentTime + i * 0.45;
        g.gain.setValueAtTime(0.3, t); g.gain.exponentialRampToValueAtTime(0.001, t + 0.9);
        o.start(t); o.stop(t + 0.9);
      });
    } catch (e) { /* no sound: the list still shows it */ }
  }
  var events = new EventSource(list.dataset.events);
  events.addEventListener("guide-call", function (e) {
    var c = JSON.parse(e.data);
    var li = document.createElement("li");
    li.textContent = c.time + " – " + c.kiosk + " (" + c.screen + ")";
    li.dataset.key = c.key;
    list.insertBefore(li, list.firstChild);
    if (empty) { empty.hidden = true; }
    gong();
  });
  // The resident said "Doch nicht nötig": nobody need walk over.
  events.addEventListener("guide-call-withdrawn", function (e) {
    var c = JSON.parse(e.data);
    var items = list.querySelectorAll("li");
    for (var i = 0; i < items.length; i++) {
      if (items[i].dataset.key !== c.key || items[i].querySelector(".withdrawn")) continue;
      var note = document.createElement("span");
      note.className = "withdrawn";
      note.textContent = " – " + list.dataset.withdrawn + " " + c.time;
      items[i].appendChild(note);
    }
  });
})();
