// The interactive API docs (Swagger UI from npm, served by sitroom): the document from /openapi.json,
// no validator badge (it would load an image from a public validator) and nothing else from outside.
/* global SwaggerUIBundle */
window.addEventListener("DOMContentLoaded", () => {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    validatorUrl: null,
    deepLinking: true,
    tryItOutEnabled: false,
  });
});
