// Live refresh, the console's one enhancement: a region marked data-refresh="SECONDS" is fetched again
// from the page's own URL and swapped in place, while the tab is visible and nothing inside it has focus.
// Without JavaScript every page reads the same (reload it to see what changed). No library, no build.
(function () {
  "use strict";
  document.querySelectorAll("[data-refresh][id]").forEach(function (region) {
    var seconds = Math.max(2, parseInt(region.getAttribute("data-refresh"), 10) || 5);
    var busy = false;
    window.setInterval(function () {
      if (busy || document.hidden || region.contains(document.activeElement)) {
        return;
      }
      busy = true;
      window.fetch(window.location.href, { credentials: "same-origin", redirect: "manual" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("HTTP " + response.status);
          }
          return response.text();
        })
        .then(function (html) {
          var fresh = new DOMParser().parseFromString(html, "text/html").getElementById(region.id);
          if (fresh) {
            region.innerHTML = fresh.innerHTML;
            region.setAttribute("data-refreshed", String(Date.now()));
          }
        })
        .catch(function () {
          // signed out or the server gone: keep what is shown; the next tick tries again
        })
        .finally(function () {
          busy = false;
        });
    }, seconds * 1000);
  });
})();
