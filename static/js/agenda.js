/*
 * The agenda editor without page reloads.
 *
 * The page works with plain forms. Here, a form marked `data-enhance` (add an item, move
 * an item) is sent with fetch() instead; the server answers with the changed parts of the
 * page, each with the id of the part it replaces. Focus then goes to the item concerned
 * (or to the field to correct) and the change is read out by the polite live region.
 * If the answer is not such an update (signed out, a server error), the form is sent again
 * the ordinary way, so nothing is lost.
 */
(function () {
  "use strict";

  var editor = document.getElementById("agenda-editor");
  var announcer = document.getElementById("agenda-announcer");
  if (!editor || !announcer || !window.fetch || !window.FormData) {
    return;
  }

  function announce(text) {
    // Emptying first makes screen readers read the same words again after a repeat.
    announcer.textContent = "";
    window.setTimeout(function () {
      announcer.textContent = text;
    }, 50);
  }

  function formData(form, submitter) {
    var data = new FormData(form);
    if (submitter && submitter.name) {
      data.append(submitter.name, submitter.value);
    }
    return data;
  }

  function sendPlainly(form, submitter) {
    form.removeAttribute("data-enhance");
    if (form.requestSubmit) {
      form.requestSubmit(submitter || undefined);
    } else {
      form.submit();
    }
  }

  function applyUpdate(html) {
    var holder = document.createElement("template");
    holder.innerHTML = html.trim();
    var update = holder.content.querySelector(".agenda-update");
    if (!update) {
      return false;
    }
    Array.prototype.slice.call(update.children).forEach(function (part) {
      var current = part.id && document.getElementById(part.id);
      if (current) {
        current.replaceWith(part);
      }
    });
    var target = update.dataset.focus && document.getElementById(update.dataset.focus);
    if (target) {
      target.focus();
    }
    if (update.dataset.announce) {
      announce(update.dataset.announce);
    }
    return true;
  }

  editor.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.hasAttribute("data-enhance")) {
      return;
    }
    event.preventDefault();
    var submitter = event.submitter || null;
    var token = form.querySelector("input[name=csrfmiddlewaretoken]");
    if (form.getAttribute("aria-busy") === "true") {
      return;
    }
    form.setAttribute("aria-busy", "true");
    fetch(form.action, {
      method: "POST",
      body: formData(form, submitter),
      credentials: "same-origin",
      headers: {
        "X-Requested-With": "fetch",
        "X-CSRFToken": token ? token.value : "",
      },
    })
      .then(function (response) {
        var isHtml = (response.headers.get("Content-Type") || "").indexOf("text/html") === 0;
        if (!isHtml || response.redirected || (!response.ok && response.status !== 400)) {
          throw new Error("not an agenda update");
        }
        return response.text();
      })
      .then(function (html) {
        form.removeAttribute("aria-busy");
        if (!applyUpdate(html)) {
          sendPlainly(form, submitter);
        }
      })
      .catch(function () {
        form.removeAttribute("aria-busy");
        sendPlainly(form, submitter);
      });
  });
})();
