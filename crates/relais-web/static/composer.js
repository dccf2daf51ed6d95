// relais composer: live length counter (progressive enhancement, no framework).
// Without this script the lengths are shown after saving; with it, the text is
// sent (debounced) to the server, which counts as each network counts (one
// implementation, in relais-compose), and the polite live region is updated.
(function () {
  "use strict";
  var form = document.getElementById("entry-form");
  var region = document.getElementById("live-counts");
  if (!form || !region || !window.fetch) { return; }
  var url = form.getAttribute("data-count-url");
  var timer = null;
  var last = "";

  function networks() {
    return form.getAttribute("data-networks") || "";
  }

  function payload() {
    var params = new URLSearchParams();
    var csrf = form.querySelector("input[name=_csrf]");
    params.append("_csrf", csrf ? csrf.value : "");
    var body = form.querySelector("textarea[name=body]");
    params.append("text", body ? body.value : "");
    params.append("networks", networks());
    var variants = form.querySelectorAll("textarea[name^='variant.']");
    for (var i = 0; i < variants.length; i++) {
      params.append(variants[i].name, variants[i].value);
    }
    return params.toString();
  }

  function show(data) {
    var list = document.createElement("ul");
    (data.networks || []).forEach(function (n) {
      var li = document.createElement("li");
      li.setAttribute("data-network", n.network);
      var sep = document.documentElement.lang === "fr" ? " : " : ": ";
      var text = n.label + sep + n.length + " / " + n.limit;
      if (n.length > n.limit) {
        li.className = "over";
        text += " — " + (region.getAttribute("data-over") || "");
      }
      li.textContent = text;
      list.appendChild(li);
    });
    region.replaceChildren(list);
  }

  function send() {
    var body = payload();
    if (body === last) { return; }
    last = body;
    fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
      credentials: "same-origin"
    }).then(function (r) { return r.ok ? r.json() : null; })
      .then(function (data) { if (data) { show(data); } })
      .catch(function () { /* the counts come back after saving */ });
  }

  form.addEventListener("input", function (ev) {
    var t = ev.target;
    if (t && (t.name === "body" || (t.name || "").indexOf("variant.") === 0)) {
      clearTimeout(timer);
      timer = setTimeout(send, 400);
    }
  });
})();
