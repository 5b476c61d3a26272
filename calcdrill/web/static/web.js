// calcdrill self-check page: keep what is shown in step with what is in the answer box.
// A preview or verdict that arrives for text no longer in the box is dropped, never shown.
(function () {
  "use strict";
  // Previews and checks are numbered apart: "p3", "c2" -> the answer text sent with it.
  var sent = {};
  var counts = { p: 0, c: 0 };

  function box() { return document.getElementById("answer"); }

  document.addEventListener("htmx:configRequest", function (event) {
    var path = event.detail.path || "";
    var kind = path.indexOf("/fragment/preview") === 0 ? "p" :
               path.indexOf("/fragment/check") === 0 ? "c" : null;
    if (kind) {
      counts[kind] += 1;
      var s = kind + counts[kind];
      event.detail.parameters.seq = s;
      sent[s] = box() ? box().value : "";
    }
  });

  document.addEventListener("htmx:beforeSwap", function (event) {
    var xhr = event.detail.xhr;
    var s = xhr.getResponseHeader("X-Preview-Seq") || xhr.getResponseHeader("X-Check-Seq");
    if (s === null || s === "") { return; }
    var stale = box() && sent[s] !== box().value;
    if (s.charAt(0) === "p") {
      stale = stale || s !== "p" + counts.p;   // an older preview overtaken by a newer one
    }
    delete sent[s];
    if (stale) { event.detail.shouldSwap = false; }
    else if (xhr.status >= 400) { event.detail.shouldSwap = true; event.detail.isError = false; }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "problem") {
      // Another problem: what was shown for the previous one no longer applies.
      var result = document.getElementById("result");
      var preview = document.getElementById("preview");
      if (result) { result.innerHTML = ""; }
      if (preview) { preview.innerHTML = ""; }
    }
  });

  document.addEventListener("htmx:responseError", function (event) {
    // 4xx/5xx with a message (too many requests, too large): show it where asked.
    var target = event.detail.target;
    if (target && event.detail.xhr.responseText) {
      target.innerHTML = event.detail.xhr.responseText;
    }
  });

  document.addEventListener("input", function (event) {
    if (event.target && event.target.id === "answer") {
      // The verdict was for other text: remove it; the preview is marked as out of date.
      var result = document.getElementById("result");
      var preview = document.getElementById("preview");
      if (result) { result.innerHTML = ""; }
      if (preview) { preview.classList.add("stale"); }
    }
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target && event.detail.target.id === "preview") {
      event.detail.target.classList.remove("stale");
    }
  });
})();
