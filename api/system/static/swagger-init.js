/* The API document's viewer: Swagger UI (served from this server, the swagger-ui-bundle-v2 package)
   reading /schema/openapi.json. A file of its own, since the pages' Content-Security-Policy allows no
   inline script. */
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: "/schema/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
