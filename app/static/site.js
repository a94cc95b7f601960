// Progressive enhancement of the public pages (everything works without it):
// - after htmx puts a result (receipt or errors) in place of a form, focus moves to it without
//   scrolling the page more than needed to show it;
// - comment boxes get a live character counter; nothing is ever cut, the server checks the length.
(function () {
  "use strict";
  var LANG_EN = document.documentElement.lang === "en";

  function counterText(n, limit) {
    if (n > limit) {
      return LANG_EN ? n + " characters, " + (n - limit) + " over the limit" : "已输入 " + n + " 字，超出 " + (n - limit) + " 字";
    }
    return LANG_EN ? n + " characters, " + (limit - n) + " left" : "已输入 " + n + " 字，还可输入 " + (limit - n) + " 字";
  }

  // The length the server counts: line breaks as one character, surrounding blanks trimmed.
  function length(text) {
    return text.replace(/\r\n/g, "\n").trim().length;
  }

  function bindCounters(root) {
    var boxes = root.querySelectorAll("textarea[data-limit]");
    Array.prototype.forEach.call(boxes, function (box) {
      if (box.dataset.counting) return;
      box.dataset.counting = "1";
      var counter = document.querySelector('[data-counter-for="' + box.id + '"]');
      if (!counter) return;
      var limit = parseInt(box.dataset.limit, 10);
      var wasOver = false;
      var update = function () {
        var n = length(box.value);
        counter.textContent = counterText(n, limit);
        counter.classList.toggle("over", n > limit);
        // Announce crossing the limit once, not every keystroke.
        if (n > limit !== wasOver) {
          wasOver = n > limit;
          counter.setAttribute("role", wasOver ? "alert" : "status");
        }
      };
      box.addEventListener("input", update);
      update();
    });
  }

  // The newest result htmx put in: the first [data-focus] not focused before.
  function focusResult() {
    var target = document.querySelector("[data-focus]:not([data-focused])");
    if (!target) return;
    target.setAttribute("data-focused", "1");
    if (!target.hasAttribute("tabindex")) target.setAttribute("tabindex", "-1");
    target.focus({ preventScroll: true });
    var box = target.closest(".comment-box") || target;
    var rect = box.getBoundingClientRect();
    // Only as much scrolling as it takes to show the whole result (or its top, when it is taller than the
    // window): the page does not jump, and the receipt number or the first error is in view.
    if (rect.top < 0 || rect.bottom > window.innerHeight) {
      box.scrollIntoView({ block: rect.height <= window.innerHeight ? "nearest" : "start", behavior: "instant" });
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    bindCounters(document);
    // A page loaded with a result (no htmx): autofocus has put it in view; mark it handled.
    Array.prototype.forEach.call(document.querySelectorAll("[data-focus]"), function (el) {
      el.setAttribute("data-focused", "1");
    });
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    bindCounters(document);
    if (event.detail.requestConfig && event.detail.requestConfig.verb === "post") {
      focusResult();
    }
  });
})();
