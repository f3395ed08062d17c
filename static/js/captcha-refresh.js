/* "Ganti gambar" for django-simple-captcha: asks captcha-refresh for a new key and picture.
   No inline script: this file is loaded by the captcha widget (Content-Security-Policy friendly). */
(function () {
  "use strict";

  function refresh(button) {
    var box = button.closest("[data-captcha]");
    if (!box) {
      return;
    }
    button.disabled = true;
    fetch(button.getAttribute("data-captcha-refresh"), {
      headers: { "X-Requested-With": "XMLHttpRequest" },
      credentials: "same-origin",
    })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("captcha refresh failed: " + response.status);
        }
        return response.json();
      })
      .then(function (data) {
        box.querySelector("img.captcha").src = data.image_url;
        box.querySelector("input[type=hidden][name$='_0']").value = data.key;
        var audio = box.querySelector("[data-captcha-audio]");
        if (audio && data.audio_url) {
          audio.href = data.audio_url;
        }
        var answer = box.querySelector("input[name$='_1']");
        answer.value = "";
        answer.focus();
      })
      .catch(function () {})
      .then(function () {
        button.disabled = false;
      });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-captcha-refresh]");
    if (button) {
      event.preventDefault();
      refresh(button);
    }
  });
})();
