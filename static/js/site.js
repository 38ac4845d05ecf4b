// Keeps what the page shows in step with its address (docs/i18n.md, "Navigation").
//
// htmx changes the address without loading a page: a filter pushes ?kind=…, "load more"
// replaces it with ?shown=40, search replaces it with ?q=…. The address is the truth, and two
// things on the page must follow it:
//
// * the language links, which lead to the same page and query in the other language;
// * the filter controls, when Back or Forward brings an earlier list back from htmx's history
//   cache: htmx snapshots the page before a change is swapped in, when the controls already
//   show the new choice, so the restored list would sit under the wrong controls. The browser's
//   own form restoration after a page load can do the same, hence "pageshow".
//
// No inline script, no eval: the Content Security Policy allows only our own files.
(function () {
  "use strict";

  function languageLinksFollow() {
    document.querySelectorAll("a[data-language-path]").forEach(function (link) {
      link.href = link.getAttribute("data-language-path") + location.search;
    });
  }

  function controlFollow(control, values) {
    var type = control.type;
    if (type === "checkbox" || type === "radio") {
      control.checked = values.indexOf(control.value) !== -1;
    } else if (control.tagName === "SELECT") {
      var wanted = values.length ? values[0] : "";
      var options = Array.prototype.slice.call(control.options);
      var known = options.some(function (option) { return option.value === wanted; });
      // A value the list does not offer was ignored by the server: show the first choice.
      control.value = known ? wanted : options.length ? options[0].value : "";
    } else {
      control.value = values.length ? values[0] : "";
    }
  }

  function controlsFollow() {
    var params = new URLSearchParams(location.search);
    document.querySelectorAll("form[data-follows-url]").forEach(function (form) {
      Array.prototype.forEach.call(form.elements, function (control) {
        if (!control.name || ["hidden", "submit", "button", "reset"].indexOf(control.type) !== -1) {
          return;
        }
        controlFollow(control, params.getAll(control.name));
      });
    });
  }

  function pageFollows() {
    languageLinksFollow();
    controlsFollow();
  }

  document.addEventListener("htmx:pushedIntoHistory", languageLinksFollow);
  document.addEventListener("htmx:replacedInHistory", languageLinksFollow);
  document.addEventListener("htmx:historyRestore", pageFollows);
  window.addEventListener("pageshow", pageFollows);
})();
