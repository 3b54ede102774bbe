// sharestat ui: the app's own script. Pages work without it; it adds the editor's line
// numbers (and marks the line an error names), "run selection", Ctrl+Enter to run, and a
// "running" notice while the nodes compute.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var text = document.getElementById("text");
  var gutter = document.getElementById("gutter");
  if (text && gutter) {
    var bad = parseInt(gutter.getAttribute("data-error-line") || "0", 10);
    var number = function () {
      var n = text.value.split("\n").length;
      var out = [];
      for (var i = 1; i <= n; i++) {
        out.push(i === bad ? '<span class="bad" title="the error is on this line">' + i + "</span>" : String(i));
      }
      gutter.innerHTML = out.join("\n");
      gutter.scrollTop = text.scrollTop;
    };
    text.addEventListener("input", number);
    text.addEventListener("scroll", function () { gutter.scrollTop = text.scrollTop; });
    number();
    var form = text.form;
    var selection = document.getElementById("selection");
    var prelude = document.getElementById("prelude");
    var runSel = document.getElementById("run-selection");
    if (runSel && selection && prelude) {
      runSel.hidden = false;
      runSel.addEventListener("click", function () {
        var s = text.selectionStart, e = text.selectionEnd;
        if (s === e) { // no selection: the current line
          s = text.value.lastIndexOf("\n", s - 1) + 1;
          e = text.value.indexOf("\n", e);
          if (e < 0) e = text.value.length;
        }
        prelude.value = text.value.substring(0, s);
        selection.value = text.value.substring(s, e);
      });
    }
    var busy = document.getElementById("busy");
    form.addEventListener("submit", function () {
      if (busy) busy.hidden = false;
    });
    text.addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) {
        ev.preventDefault();
        if (selection) selection.value = "";
        form.requestSubmit();
      }
    });
  }
});
