/* Quiz timer: counts down to the server's deadline and, at zero, hands the attempt in.
 *
 * The server is the authority: it refuses answers saved after the deadline and scores a
 * late submission with what was saved before it. This script only shows the time left
 * and submits on time. It reads data attributes of #quiz-timer:
 *   data-deadline     the deadline (ISO 8601, from the server)
 *   data-now          the server's time when the page was made (corrects the local clock)
 *   data-submit-form  id of the form to submit at zero
 *   data-time-up      id of the hidden "time is up" message to reveal
 * No text lives here: every message is in the page, translated by the server.
 */
(function () {
  "use strict";

  // Lets the stylesheet hide the no-JavaScript "save" buttons: answers autosave.
  document.documentElement.classList.add("js");

  function pad(n) {
    return n < 10 ? "0" + n : String(n);
  }

  function format(seconds) {
    var hours = Math.floor(seconds / 3600);
    var minutes = Math.floor((seconds % 3600) / 60);
    var rest = seconds % 60;
    return hours ? hours + ":" + pad(minutes) + ":" + pad(rest) : minutes + ":" + pad(rest);
  }

  function start() {
    var timer = document.getElementById("quiz-timer");
    if (!timer) {
      return;
    }
    var deadline = Date.parse(timer.dataset.deadline);
    if (isNaN(deadline)) {
      return;
    }
    var serverNow = Date.parse(timer.dataset.now);
    var skew = isNaN(serverNow) ? 0 : serverNow - Date.now();
    var clock = timer.querySelector("[data-clock]");
    var handle = null;

    function timeUp() {
      window.clearInterval(handle);
      var message = document.getElementById(timer.dataset.timeUp);
      if (message) {
        message.hidden = false;
      }
      var inputs = document.querySelectorAll(".quiz-question input");
      for (var i = 0; i < inputs.length; i += 1) {
        inputs[i].disabled = true;
      }
      var form = document.getElementById(timer.dataset.submitForm);
      if (form) {
        form.submit();
      }
    }

    function tick() {
      var left = Math.max(0, Math.ceil((deadline - (Date.now() + skew)) / 1000));
      if (clock) {
        clock.textContent = format(left);
      }
      if (left <= 60) {
        timer.classList.add("quiz-timer-low");
      }
      if (left === 0) {
        timeUp();
      }
    }

    handle = window.setInterval(tick, 1000);
    tick();
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
