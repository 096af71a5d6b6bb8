// Progressive enhancement for LeaveBot's dashboard: every page works without this file.
// - A button with data-confirm="question" asks before its form is sent.
// - A checkbox with data-select-all="NAME" ticks or clears every checkbox named NAME in its form.
"use strict";

document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-confirm]");
  if (button && !window.confirm(button.getAttribute("data-confirm"))) {
    event.preventDefault();
  }
});

document.addEventListener("change", function (event) {
  var all = event.target.closest("[data-select-all]");
  if (!all || !all.form) {
    return;
  }
  var name = all.getAttribute("data-select-all");
  all.form.querySelectorAll('input[type="checkbox"][name="' + name + '"]').forEach(function (box) {
    box.checked = all.checked;
  });
});
