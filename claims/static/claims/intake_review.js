// The intake's review screen from the keyboard: j / k move to the next / previous figure (its card gets the focus,
// its highlight in the text is marked), a accepts it, d dismisses it, x selects it for "Accept selected". Keys typed
// into a field are the field's. Without this script every action is a plain button of a plain form.
(function () {
  "use strict";
  function cards() { return Array.prototype.slice.call(document.querySelectorAll(".intake-card")); }
  function current() {
    var active = document.activeElement;
    return active && active.closest ? active.closest(".intake-card") : null;
  }
  function show(card) {
    if (!card) { return; }
    document.querySelectorAll("mark.intake-current").forEach(function (m) { m.classList.remove("intake-current"); });
    var mark = document.getElementById("t-" + card.dataset.key);
    if (mark) { mark.classList.add("intake-current"); mark.scrollIntoView({block: "nearest"}); }
    card.focus();
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var target = event.target;
    if (target && target.matches && target.matches("input, textarea, select, [contenteditable]")) {
      if (!(target.type === "checkbox")) { return; }
    }
    var all = cards();
    if (!all.length) { return; }
    var card = current();
    var index = card ? all.indexOf(card) : -1;
    var button;
    if (event.key === "j") { show(all[Math.min(index + 1, all.length - 1)]); }
    else if (event.key === "k") { show(all[Math.max(index - 1, 0)]); }
    else if (card && event.key === "a") { button = card.querySelector(".intake-do-accept"); }
    else if (card && event.key === "d") { button = card.querySelector(".intake-do-dismiss"); }
    else if (card && event.key === "x") { var box = card.querySelector(".intake-select"); if (box) { box.checked = !box.checked; } }
    else { return; }
    event.preventDefault();
    if (button) { button.click(); }
  });
  // A click on a highlight in the text moves the focus to its card.
  document.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("mark.intake-mark a") : null;
    if (!link) { return; }
    var card = document.getElementById(link.getAttribute("href").slice(1));
    if (card) { event.preventDefault(); card.scrollIntoView({block: "start"}); show(card); }
  });
}());
