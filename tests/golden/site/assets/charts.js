// Draws each chart from its Vega-Lite spec (a JSON file of this site) with vega-embed.
// Until then, and without JavaScript, the static SVG rendered at build time shows.
(function () {
  "use strict";
  if (typeof window.vegaEmbed !== "function") return;
  var options = {
    actions: false,          // no export menu, and no link to the online editor
    renderer: "svg",
    defaultStyle: false,     // styles live in style.css: the CSP allows no inline <style>
    tooltip: { disableDefaultStyle: true }
  };
  document.querySelectorAll("[data-chart]").forEach(function (figure) {
    var target = figure.querySelector(".chart");
    if (!target) return;
    var fallback = target.innerHTML;
    fetch(figure.getAttribute("data-chart")).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (spec) {
      target.textContent = "";
      return window.vegaEmbed(target, spec, options);
    }).then(function () {
      figure.classList.add("drawn");
    }).catch(function (error) {
      target.innerHTML = fallback;  // the static SVG stays
      figure.classList.add("chart-failed");
      console.warn("chart not drawn:", error);
    });
  });
})();
