// A filter box above a long <select data-filter-select> (sites grouped by town in <optgroup>s):
// typing keeps only the options (and groups) whose text contains what was typed. Progressive
// enhancement: without this file the select is a plain grouped dropdown. The options are rebuilt
// from a copy rather than hidden, because phones ignore `hidden` on options in their pickers.
(function () {
  function setUp(select) {
    var original = select.cloneNode(true);
    var input = document.createElement("input");
    input.type = "search";
    input.className = "form-control form-control-sm mb-1";
    input.placeholder = select.getAttribute("data-filter-placeholder") || "";
    input.setAttribute("aria-label", input.placeholder);
    input.setAttribute("data-filter-for", select.name);
    select.parentNode.insertBefore(input, select);

    // An option stays when every word is in its text or in its group's label (a town's name).
    function matches(option, groupLabel, words) {
      if (!option.value || option.selected) {
        return true;
      }
      var text = option.textContent.toLowerCase();
      var group = groupLabel.toLowerCase();
      return words.every(function (word) {
        return text.indexOf(word) !== -1 || group.indexOf(word) !== -1;
      });
    }

    input.addEventListener("input", function () {
      var words = input.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      var chosen = select.value;
      select.textContent = "";
      Array.prototype.forEach.call(original.children, function (child) {
        if (child.tagName === "OPTGROUP") {
          var group = child.cloneNode(false);
          Array.prototype.forEach.call(child.children, function (option) {
            var copy = option.cloneNode(true);
            copy.selected = option.value === chosen;
            if (matches(copy, child.label, words)) {
              group.appendChild(copy);
            }
          });
          if (group.children.length) {
            select.appendChild(group);
          }
        } else {
          var copy = child.cloneNode(true);
          copy.selected = child.value === chosen;
          if (matches(copy, "", words)) {
            select.appendChild(copy);
          }
        }
      });
      select.value = chosen;
    });
  }

  // Only long lists get the box (data-filter-min options, default 15): a short one reads at a glance.
  document.querySelectorAll("select[data-filter-select]").forEach(function (select) {
    var min = parseInt(select.getAttribute("data-filter-min") || "15", 10);
    if (select.options.length > min) {
      setUp(select);
    }
  });
})();
