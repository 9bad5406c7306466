// Draws each chart from its Vega-Lite spec with vega-embed (served from this site).
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
    var specNode = document.getElementById(figure.getAttribute("data-chart"));
    var target = figure.querySelector(".chart");
    if (!specNode || !target) return;
    var spec = JSON.parse(specNode.textContent);
    var fallback = target.innerHTML;
    target.textContent = "";
    window.vegaEmbed(target, spec, options).then(function () {
      figure.classList.add("drawn");
    }).catch(function (error) {
      target.innerHTML = fallback;
      figure.classList.add("chart-failed");
      console.warn("chart not drawn:", error);
    });
  });
})();
