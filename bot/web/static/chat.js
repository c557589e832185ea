/* The web chat: shows the conversation so far, posts what the signed-in person types to /api/chat, shows replies.
   Files (photos, screenshots, PDFs) go to /api/chat/evidence in the same queue, with upload progress. */
(function () {
  "use strict";
  // Texts come from the page (data/web.nl.yml); who is chatting comes from the session cookie, never from here.
  var T = JSON.parse(document.getElementById("texts").textContent);
  var log = document.getElementById("log");
  var form = document.getElementById("form");
  var input = document.getElementById("input");
  var busy = false;
  var queue = [];  // messages typed or tapped while a reply is on its way, sent in order
  var doneLabel = null;  // the done button of a several-choice question (from the server)
  var E = JSON.parse(document.getElementById("evidence-texts").textContent);
  var attach = document.getElementById("attach");
  var fileInput = document.getElementById("file");
  var maxBytes = null;  // the largest file the server keeps (GET /api/chat/evidence); it checks again itself
  var maxMb = 10;

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
  function button(label, onClick) {
    var b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    b.addEventListener("click", onClick);
    return b;
  }
  function addChoices(choices, promptId) {
    var box = document.createElement("div");
    box.className = "choices";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Keuzes");
    var several = doneLabel !== null && choices.length > 1 && choices[choices.length - 1] === doneLabel;
    if (several) {
      // Toggle chips plus a done button: a tap selects or deselects, the done button sends the selection.
      var picked = [];
      choices.slice(0, -1).forEach(function (label) {
        var chip = button(label, function () {
          var at = picked.indexOf(label);
          if (at >= 0) { picked.splice(at, 1); } else { picked.push(label); }
          chip.setAttribute("aria-pressed", at >= 0 ? "false" : "true");
          chip.textContent = (at >= 0 ? "" : "\u2713 ") + label;  // a check mark shows what is chosen
        });
        chip.setAttribute("aria-pressed", "false");
        box.appendChild(chip);
      });
      box.appendChild(button(doneLabel, function () {
        var ordered = choices.filter(function (c) { return picked.indexOf(c) >= 0; });
        send(ordered.length ? ordered.join(", ") : doneLabel, promptId);
      }));
    } else {
      choices.forEach(function (label) {
        box.appendChild(button(label, function () { send(label, promptId); }));
      });
    }
    log.appendChild(box);
    log.scrollTop = log.scrollHeight;
  }
  function showBot(reply, live) {
    add(reply.text, "bot");
    if (reply.choices && reply.choices.length && live) { addChoices(reply.choices, reply.prompt_id); }
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
  function sizeText(bytes) {
    if (bytes < 1024 * 1024) { return Math.max(1, Math.round(bytes / 1024)) + " kB"; }
    return (bytes / (1024 * 1024)).toFixed(1).replace(".", ",") + " MB";
  }
  function fileBubble(file) {
    // "Bijlage: foto.jpg (2,1 MB)", a progress bar while it is sent, then whether it arrived.
    var values = { name: file.name || "bestand", size: sizeText(file.size) };
    // One pass, by function: a name holding "{size}" or "$&" is shown as it is.
    var div = add(E.me.replace(/\{(name|size)\}/g, function (m, key) { return values[key]; }), "me file");
    var status = document.createElement("span");
    status.className = "file-status";
    status.textContent = E.sending;
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", E.progress_label);
    div.appendChild(status);
    div.appendChild(bar);
    return { status: status, bar: bar };
  }
  function sendFiles(files) {
    for (var i = 0; i < files.length; i++) {
      var file = files[i];
      if (file.size === 0) { add(E.empty, "bot err"); continue; }
      if (maxBytes !== null && file.size > maxBytes) {
        add(E.too_large.replace("{limit}", String(maxMb)), "bot err");  // refused before sending anything
        continue;
      }
      queue.push({ file: file, message_id: newId(), shown: fileBubble(file) });
    }
    next();
  }
  function upload(item, attempt) {
    var url = "/api/chat/evidence?message_id=" + encodeURIComponent(item.message_id) +
      "&name=" + encodeURIComponent((item.file.name || "").slice(0, 255));
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", url);
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { item.shown.bar.value = Math.round(100 * e.loaded / e.total); }
      });
      xhr.addEventListener("load", function () {
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (err) { data = null; }
        resolve({ status: xhr.status, data: data });
      });
      xhr.addEventListener("error", function () { reject(new Error("network")); });
      xhr.addEventListener("abort", function () { reject(new Error("aborted")); });
      xhr.send(item.file);  // the file itself is the body; the server reads its type from the content
    }).catch(function (err) {
      // Same message_id again: the server keeps the file once and repeats its answer.
      if (attempt < 3) {
        return new Promise(function (r) { setTimeout(r, 800 * (attempt + 1)); })
          .then(function () { return upload(item, attempt + 1); });
      }
      throw err;
    });
  }
  function send(text, promptId) {
    if (!text.trim()) { return; }
    if (promptId) { disableOldChoices(); }
    add(text, "me");
    queue.push({ text: text, message_id: newId(), in_reply_to: promptId || null });
    next();
  }
  function next() {
    if (busy || !queue.length) { return; }
    busy = true;
    var item = queue.shift();
    var request;
    if (item.file) {
      request = upload(item, 0);
    } else {
      var body = { text: item.text, message_id: item.message_id };
      if (item.in_reply_to) { body.in_reply_to = item.in_reply_to; }
      request = post(body, 0);
    }
    // A file the server refuses leaves the question's buttons working; a message or a kept file gets new ones.
    if (!item.file) { disableOldChoices(); }
    request.then(function (r) {
      if (item.file) {
        fileDone(item, r.status === 200);
        if (r.status === 200) { disableOldChoices(); }
      }
      if (r.status === 401) {
        add(T.chat_signed_out, "bot err");
        return;
      }
      if (r.status !== 200) {
        add(r.data && r.data.detail ? r.data.detail : T.chat_error, "bot err");
        return;
      }
      // While more messages wait, their answers follow; only the last replies keep working buttons.
      r.data.replies.forEach(function (reply) { showBot(reply, queue.length === 0); });
    }).catch(function () {
      if (item.file) { fileDone(item, false); }
      add(T.chat_offline, "bot err");
    }).finally(function () {
      busy = false;
      if (queue.length) { next(); } else { input.focus(); }
    });
  }
  function fileDone(item, ok) {
    item.shown.bar.remove();
    item.shown.status.textContent = ok ? E.sent : E.not_sent;
  }
  function loadRules() {
    fetch("/api/chat/evidence", { credentials: "same-origin" }).then(function (res) {
      return res.ok ? res.json() : null;
    }).then(function (rules) {
      if (rules) { maxBytes = rules.max_bytes; maxMb = rules.max_mb; }
    }).catch(function () { /* the server checks every file anyway */ });
  }
  function restore() {
    // What was said before (a reload mid-report), or the greeting; nothing is sent on load.
    busy = true;
    fetch("/api/chat/history", { credentials: "same-origin" }).then(function (res) {
      if (res.status === 401) { add(T.chat_signed_out, "bot err"); return null; }
      return res.ok ? res.json() : null;
    }).then(function (data) {
      if (!data) { return; }
      doneLabel = data.done_label || null;
      var messages = data.messages || [];
      var lastBot = -1;
      messages.forEach(function (m, i) { if (m.who === "bot") { lastBot = i; } });
      messages.forEach(function (m, i) {
        if (m.who === "me") { add(m.text, "me"); } else { showBot(m, i === lastBot); }
      });
    }).catch(function () {
      add(T.chat_offline, "bot err");
    }).finally(function () {
      busy = false;
      next();
    });
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
  attach.addEventListener("click", function () { fileInput.click(); });
  fileInput.addEventListener("change", function () {
    var files = Array.prototype.slice.call(fileInput.files || []);
    fileInput.value = "";  // the same file may be chosen again later
    sendFiles(files);
  });
  restore();
  loadRules();
})();
