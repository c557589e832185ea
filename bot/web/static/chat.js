/* The web chat: posts what the signed-in person types to /api/chat and shows the replies. */
(function () {
  "use strict";
  // Texts come from the page (data/web.nl.yml); who is chatting comes from the session cookie, never from here.
  var T = JSON.parse(document.getElementById("texts").textContent);
  var log = document.getElementById("log");
  var form = document.getElementById("form");
  var input = document.getElementById("input");
  var busy = false;

  function newId() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    return Date.now().toString(36) + Math.random().toString(36).slice(2);
  }
  function add(text, who) {
    var div = document.createElement("div");
    div.className = "msg " + who;
    div.textContent = text;  // never innerHTML: user and bot text are shown as text
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }
  function disableOldChoices() {
    var buttons = log.querySelectorAll(".choices button");
    for (var i = 0; i < buttons.length; i++) { buttons[i].disabled = true; }
  }
  function addChoices(choices, promptId) {
    var box = document.createElement("div");
    box.className = "choices";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Keuzes");
    choices.forEach(function (label) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = label;
      b.addEventListener("click", function () { send(label, promptId); });
      box.appendChild(b);
    });
    log.appendChild(box);
    log.scrollTop = log.scrollHeight;
  }
  function post(body, attempt) {
    return fetch("/api/chat", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify(body)
    }).then(function (res) {
      return res.json().catch(function () { return null; })
        .then(function (data) { return { status: res.status, data: data }; });
    }).catch(function (err) {
      // Same message_id again: the server answers once and repeats its answer.
      if (attempt < 3) {
        return new Promise(function (r) { setTimeout(r, 800 * (attempt + 1)); })
          .then(function () { return post(body, attempt + 1); });
      }
      throw err;
    });
  }
  function send(text, promptId) {
    if (busy || !text.trim()) { return; }
    busy = true;
    disableOldChoices();
    add(text, "me");
    var body = { text: text, message_id: newId() };
    if (promptId) { body.in_reply_to = promptId; }
    post(body, 0).then(function (r) {
      if (r.status === 401) {
        add(T.chat_signed_out, "bot err");
        return;
      }
      if (r.status !== 200) {
        add(r.data && r.data.detail ? r.data.detail : T.chat_error, "bot err");
        return;
      }
      r.data.replies.forEach(function (reply) {
        add(reply.text, "bot");
        if (reply.choices && reply.choices.length) { addChoices(reply.choices, reply.prompt_id); }
      });
    }).catch(function () {
      add(T.chat_offline, "bot err");
    }).finally(function () { busy = false; input.focus(); });
  }
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value;
    input.value = "";
    send(text, null);
  });
  input.addEventListener("keydown", function (e) {
    if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); form.requestSubmit(); }
  });
  send("Hallo", null);
})();
