/* Enterprise import page: drag a file onto the zone, or click it to choose one. */
(function () {
  "use strict";

  function setup(zone) {
    var input = zone.querySelector("[data-file-input]");
    var label = zone.querySelector("[data-file-name]");
    if (!input) { return; }
    function show() {
      label.textContent = input.files && input.files.length ? "已选择：" + input.files[0].name : "";
    }
    input.addEventListener("change", show);
    ["dragenter", "dragover"].forEach(function (name) {
      zone.addEventListener(name, function (event) {
        event.preventDefault();
        zone.classList.add("is-dragover");
      });
    });
    ["dragleave", "drop"].forEach(function (name) {
      zone.addEventListener(name, function () { zone.classList.remove("is-dragover"); });
    });
    zone.addEventListener("drop", function (event) {
      event.preventDefault();
      if (event.dataTransfer && event.dataTransfer.files.length) {
        input.files = event.dataTransfer.files;
        show();
      }
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-dropzone]"), setup);
  });
})();
