/*
 * The report's PDF rendering without page reloads.
 *
 * The page shows the latest rendering as the server drew it. Here, while a rendering is
 * queued or running, its state is asked for every two seconds and shown in the polite
 * live region; once it is ready, a download link appears; after a failure, the reason
 * and (for the secretariat) a button to try again. "Render the PDF" and "Try again"
 * are sent with fetch() and start the polling; without a script they are plain forms.
 */
(function () {
  "use strict";

  var box = document.getElementById("render-job");
  if (!box || !window.fetch || !window.FormData) {
    return;
  }
  var statusUrl = box.getAttribute("data-status-url");
  var retryTemplate = box.getAttribute("data-retry-url-template");
  var canRetry = box.getAttribute("data-can-retry") === "true";
  var timer = null;

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function paragraph(className, text) {
    var p = document.createElement("p");
    p.className = className;
    p.textContent = text;
    return p;
  }

  function show(state) {
    var live = box.querySelector(".render-job-state");
    var text = "Not rendered yet.";
    if (state.status) {
      text = "Latest rendering: " + state.label;
      if (state.attempts) {
        text += " (attempt " + state.attempts + ")";
      }
      text += ".";
      if (state.status === "queued" || state.status === "running") {
        text += " The PDF will follow.";
      }
    }
    if (live.textContent.trim() !== text) {
      live.textContent = text;
    }
    Array.prototype.forEach.call(
      box.querySelectorAll(".render-job-error, .render-job-link, .render-job-retry"),
      function (node) { node.parentNode.removeChild(node); }
    );
    if (state.error) {
      box.appendChild(paragraph("render-job-error", "The rendering failed: " + state.error));
    }
    if (state.pdf_url) {
      var p = paragraph("render-job-link", "");
      var link = document.createElement("a");
      link.href = state.pdf_url;
      link.textContent = "Download this rendering";
      p.appendChild(link);
      box.appendChild(p);
    }
    if (canRetry && state.status === "failed") {
      var form = document.createElement("form");
      form.method = "post";
      form.className = "inline-form render-job-retry";
      form.action = retryTemplate.replace("/jobs/0/", "/jobs/" + state.id + "/");
      var token = document.createElement("input");
      token.type = "hidden";
      token.name = "csrfmiddlewaretoken";
      token.value = csrfToken();
      var button = document.createElement("button");
      button.type = "submit";
      button.textContent = "Try the rendering again";
      form.appendChild(token);
      form.appendChild(button);
      box.appendChild(form);
    }
    if (state.status === "queued" || state.status === "running") {
      poll();
    }
  }

  // The job's state as JSON, from the status address or from a form sent with fetch().
  function fetchState(url, options) {
    options = options || {};
    options.headers = { Accept: "application/json" };
    options.credentials = "same-origin";
    return fetch(url, options).then(function (response) {
      if (!response.ok) {
        throw new Error("status " + response.status);
      }
      return response.json();
    });
  }

  function poll() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      fetchState(statusUrl)
        .then(show)
        .catch(function () {
          poll();  // a passing network problem: ask again later
        });
    }, 2000);
  }

  function sendWithFetch(form) {
    fetchState(form.action, { method: "POST", body: new FormData(form) })
      .then(show)
      .catch(function () {
        form.submit();  // fall back to the ordinary form
      });
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.id === "render-form" || form.classList.contains("render-job-retry")) {
      event.preventDefault();
      sendWithFetch(form);
    }
  });

  fetchState(statusUrl)
    .then(function (state) {
      if (state.status === "queued" || state.status === "running") {
        poll();
      }
    })
    .catch(function () {});
})();
