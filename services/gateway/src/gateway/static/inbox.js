// The live inbox, as progressive enhancement: new messages arrive through the gateway's stream, the unread
// count in the header follows, and each arrival is announced in a polite live region. "Pause live updates"
// closes the stream (WCAG 2.2.2). Without this script every page still works; the inbox shows new
// messages on the next page load.
(function () {
  "use strict";
  var region = document.getElementById("inbox-live");
  if (!region || !window.EventSource) { return; }
  var count = document.getElementById("unread-count");
  var list = document.getElementById("inbox-list");
  var toggle = document.getElementById("live-toggle");
  var status = document.getElementById("live-status");
  var controls = document.getElementById("live-controls");
  var source = null;

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) { node.className = className; }
    return node;
  }

  function show(entry) {
    if (count) {
      var n = (parseInt(count.textContent, 10) || 0) + 1;
      count.textContent = String(n);
    }
    var announce = toggle ? toggle.getAttribute("data-new") : "";
    region.textContent = (announce ? announce + " " : "") + entry.title;
    if (list) {
      var item = document.createElement("li");
      item.className = "unread";
      item.id = "entry-" + entry.entry_id;
      item.appendChild(text("h2", entry.title));
      item.appendChild(text("p", entry.body));
      if (entry.link) {
        var p = document.createElement("p");
        var a = text("a", entry.title);
        a.href = entry.link;
        p.appendChild(a);
        item.appendChild(p);
      }
      list.insertBefore(item, list.firstChild);
      var empty = document.getElementById("inbox-empty");
      if (empty) { empty.remove(); }
    }
  }

  function open() {
    source = new EventSource(region.getAttribute("data-stream"));
    source.addEventListener("notification", function (event) {
      try { show(JSON.parse(event.data)); } catch (ignored) { /* a malformed event is skipped */ }
    });
  }

  if (toggle && controls) {
    controls.hidden = false;
    toggle.addEventListener("click", function () {
      var paused = toggle.getAttribute("aria-pressed") === "true";
      if (paused) {
        open();
        toggle.setAttribute("aria-pressed", "false");
        toggle.textContent = toggle.getAttribute("data-pause");
        status.textContent = toggle.getAttribute("data-live");
      } else {
        if (source) { source.close(); source = null; }
        toggle.setAttribute("aria-pressed", "true");
        toggle.textContent = toggle.getAttribute("data-resume");
        status.textContent = toggle.getAttribute("data-paused");
      }
    });
  }
  open();
})();
