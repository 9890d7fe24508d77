/*
 * The meeting pack's page while the pack is put together: every two seconds its state is
 * asked for and shown in the polite live region ("Being put together: 3 of 7 parts");
 * once the pack is ready or has failed, the page is loaded again to offer the download or
 * the reason and "Try again". Without a script, the page's Refresh link does the same.
 */
(function () {
  "use strict";

  var box = document.getElementById("meeting-pack");
  if (!box || !window.fetch || box.getAttribute("data-working") !== "true") {
    return;
  }
  var live = box.querySelector(".pack-state");
  var bar = box.querySelector("progress");

  function show(state) {
    if (!state.working) {
      window.location.reload();
      return;
    }
    if (live.textContent.trim() !== state.text) {
      live.textContent = state.text;
    }
    if (bar) {
      bar.max = state.parts_total || 1;
      bar.value = state.parts_done;
      bar.textContent = state.parts_done + " of " + state.parts_total;
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
