// Copy buttons of the citation blocks: shown only where the clipboard can be written;
// without JavaScript the citation stays selectable text.
(function () {
  "use strict";
  if (!navigator.clipboard || !window.isSecureContext) return;
  document.querySelectorAll("button.copy[data-copy]").forEach(function (button) {
    var target = document.getElementById(button.getAttribute("data-copy"));
    var status = button.nextElementSibling;
    if (!target) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(target.textContent).then(function () {
        if (status) status.textContent = button.getAttribute("data-copied");
      });
    });
  });
})();
