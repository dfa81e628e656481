// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  document.querySelectorAll("[data-select-all]").forEach(function (box) {
    box.addEventListener("change", function () {
      box.closest("form").querySelectorAll('input[type=checkbox][name=task]').forEach(function (c) { c.checked = box.checked; });
    });
  });

  // Registration form: mark the fields the chosen category requires, hide the ones it does not use.
  var form = document.getElementById("registration-form");
  var mapNode = document.getElementById("required-map");
  if (!form || !mapNode) { return; }
  var required = JSON.parse(mapNode.textContent);
  var always = ["category", "remarks"];
  var select = form.querySelector("[name=category]");
  function update() {
    var fields = required[select.value] || null;
    form.querySelectorAll("[data-field]").forEach(function (div) {
      var name = div.getAttribute("data-field");
      var star = div.querySelector(".req");
      var isRequired = fields !== null && fields.indexOf(name) !== -1;
      if (star) { star.hidden = !isRequired && name !== "category"; }
      var input = div.querySelector("input, select, textarea");
      var hasValue = input && input.value !== "";
      var hasError = div.classList.contains("has-error");
      var optional = ["employer_address"].indexOf(name) !== -1 && fields !== null && fields.indexOf("employer_name") !== -1;
      div.hidden = fields !== null && always.indexOf(name) === -1 && !isRequired && !optional && !hasValue && !hasError;
    });
  }
  select.addEventListener("change", update);
  update();
})();
