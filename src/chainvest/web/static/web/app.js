/* Page behaviour without inline scripts (a Content Security Policy forbids those). */
(function () {
  "use strict";

  // Forms marked data-confirm ask first, in RuoYi's wording (e.g. 确定注销并退出系统吗？).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var message = form.getAttribute && form.getAttribute("data-confirm");
    if (message && !window.confirm(message)) {
      event.preventDefault();
      event.stopImmediatePropagation();
    }
  }, true);

  // Selects inside forms marked data-autosubmit search as soon as they change.
  document.addEventListener("change", function (event) {
    var form = event.target.form;
    if (form && form.hasAttribute("data-autosubmit") && event.target.tagName === "SELECT") {
      if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
    }
  });
})();
