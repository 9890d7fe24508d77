/*
 * A printed document's page while the PDF is printed: every two seconds its state is asked
 * for and shown in the polite live region; once it is printed, the PDF is opened in its
 * place, and after a failure the page is loaded again to show the reason and "Try again".
 * Without a script, the page's "Open the PDF" link does the same.
 */
(function () {
  "use strict";

  var box = document.getElementById("printed-document");
  if (!box || !window.fetch || box.getAttribute("data-working") !== "true") {
    return;
  }
  var live = box.querySelector(".printed-state");

  function show(state) {
    if (state.status === "succeeded") {
      window.location.replace(state.url);
      return;
    }
    if (!state.working) {
      window.location.reload();
      return;
    }
    if (live.textContent.trim() !== state.text) {
      live.textContent = state.text;
    }
    poll();
  }

  function poll() {
    window.setTimeout(function () {
      fetch(window.location.href, {
        headers: { Accept: "application/json" },
        credentials: "same-origin",
      })
        .then(function (response) {
          if (!response.ok) {
            throw new Error("status " + response.status);
          }
          return response.json();
        })
        .then(show)
        .catch(poll);  // a passing network problem: ask again later
    }, 2000);
  }

  poll();
})();
