// The hiconn web chat: an IRC client over the IRCv3 WebSocket transport (text.ircv3.net:
// one IRC line per message, no CRLF), served by the ws:// or wss:// listener it talks to.
"use strict";

const $ = (id) => document.getElementById(id);
const state = {
  socket: null, nick: "", wanted: [], channels: new Map(), active: null,
  retryMs: 1000, stopped: false, registered: false,
};

function setStatus(text, cls) {
  const el = $("status");
  el.textContent = text;
  el.className = "status " + (cls || "");
}

// ":nick!user@host CMD a b :trailing" -> {nick, command, params}
function parseLine(line) {
  let rest = line;
  if (rest.startsWith("@")) rest = rest.slice(rest.indexOf(" ") + 1);  // tags: not used
  let prefix = "";
  if (rest.startsWith(":")) {
    const sp = rest.indexOf(" ");
    prefix = rest.slice(1, sp);
    rest = rest.slice(sp + 1);
  }
  const params = [];
  while (rest.length) {
    if (rest.startsWith(":")) { params.push(rest.slice(1)); break; }
    const sp = rest.indexOf(" ");
    if (sp < 0) { params.push(rest); break; }
    if (sp > 0) params.push(rest.slice(0, sp));
    rest = rest.slice(sp + 1);
  }
  const command = (params.shift() || "").toUpperCase();
  return { nick: prefix.split("!")[0], command, params };
}

const fold = (name) => name.toLowerCase().replace(/\[/g, "{").replace(/\]/g, "}").replace(/\\/g, "|").replace(/~/g, "^");

function channel(name) {
  const key = fold(name);
  if (!state.channels.has(key))
    state.channels.set(key, { name, members: new Set(), log: [], topic: "", unread: false });
  return state.channels.get(key);
}

function send(line) {
  if (state.socket && state.socket.readyState === WebSocket.OPEN) state.socket.send(line);
}

function now() {
  return new Date().toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", second: "2-digit" });
}

function addLine(name, entry) {
  const ch = channel(name);
  ch.log.push({ time: now(), ...entry });
  if (ch.log.length > 500) ch.log.shift();
  if (fold(name) !== state.active) ch.unread = true;
  render();
}

function render() {
  const list = $("channel-list");
  list.replaceChildren();
  for (const [key, ch] of state.channels) {
    const li = document.createElement("li");
    li.textContent = ch.name;
    if (key === state.active) li.className = "active";
    else if (ch.unread) li.className = "unread";
    li.onclick = () => { state.active = key; ch.unread = false; render(); };
    list.append(li);
  }
  const ch = state.channels.get(state.active);
  $("topic").textContent = ch ? ch.topic : "";
  const log = $("log");
  log.replaceChildren();
  const members = $("members");
  members.replaceChildren();
  if (!ch) return;
  for (const e of ch.log) {
    const li = document.createElement("li");
    li.className = e.nick === undefined ? "event" : e.nick === state.nick ? "msg self" : "msg";
    const time = document.createElement("span");
    time.className = "time";
    time.textContent = e.time;
    li.append(time);
    if (e.nick !== undefined) {
      const nick = document.createElement("span");
      nick.className = "nick";
      nick.textContent = e.nick;
      li.append(nick);
    }
    li.append(document.createTextNode(e.text));
    log.append(li);
  }
  log.scrollTop = log.scrollHeight;
  for (const m of [...ch.members].sort((a, b) => fold(a.replace(/^[@+]/, "")) < fold(b.replace(/^[@+]/, "")) ? -1 : 1)) {
    const li = document.createElement("li");
    li.textContent = m;
    members.append(li);
  }
}

const bare = (member) => member.replace(/^[@+]+/, "");
function removeMember(ch, nick) {
  for (const m of ch.members) if (fold(bare(m)) === fold(nick)) ch.members.delete(m);
}
function renameMember(ch, from, to) {
  for (const m of [...ch.members]) {
    if (fold(bare(m)) === fold(from)) { ch.members.delete(m); ch.members.add(m.slice(0, m.length - bare(m).length) + to); return true; }
  }
  return false;
}

function onLine(line) {
  const m = parseLine(line);
  const p = m.params;
  switch (m.command) {
  case "PING": send("PONG :" + (p[0] || "")); return;
  case "001":
    state.registered = true;
    state.nick = p[0];
    state.retryMs = 1000;
    setStatus("connected as " + state.nick, "up");
    if (state.wanted.length) send("JOIN " + state.wanted.join(","));
    return;
  case "433":  // nick in use: try another
    if (!state.registered) { state.nick += "_"; send("NICK " + state.nick); }
    return;
  case "JOIN": {
    const ch = channel(p[0]);
    if (fold(m.nick) === fold(state.nick)) {
      ch.members.clear();
      if (!state.wanted.some((w) => fold(w) === fold(p[0]))) state.wanted.push(p[0]);
      if (!state.active) state.active = fold(p[0]);
    } else ch.members.add(m.nick);
    addLine(p[0], { text: m.nick + " joined" });
    return;
  }
  case "PART": {
    const ch = channel(p[0]);
    removeMember(ch, m.nick);
    if (fold(m.nick) === fold(state.nick)) {
      state.channels.delete(fold(p[0]));
      state.wanted = state.wanted.filter((w) => fold(w) !== fold(p[0]));
      if (state.active === fold(p[0])) state.active = state.channels.keys().next().value || null;
      render();
      return;
    }
    addLine(p[0], { text: m.nick + " left" + (p[1] ? " (" + p[1] + ")" : "") });
    return;
  }
  case "QUIT":
    for (const ch of state.channels.values()) {
      const before = ch.members.size;
      removeMember(ch, m.nick);
      if (ch.members.size !== before) addLine(ch.name, { text: m.nick + " quit" + (p[0] ? " (" + p[0] + ")" : "") });
    }
    return;
  case "NICK":
    if (fold(m.nick) === fold(state.nick)) state.nick = p[0];
    for (const ch of state.channels.values())
      if (renameMember(ch, m.nick, p[0])) addLine(ch.name, { text: m.nick + " is now " + p[0] });
    return;
  case "KICK": {
    const ch = channel(p[0]);
    removeMember(ch, p[1]);
    addLine(p[0], { text: p[1] + " was kicked by " + m.nick + (p[2] ? " (" + p[2] + ")" : "") });
    return;
  }
  case "353": {  // NAMES: "= #chan :@a +b c"
    const ch = channel(p[2]);
    for (const name of (p[3] || "").split(" ")) if (name) { removeMember(ch, bare(name)); ch.members.add(name); }
    render();
    return;
  }
  case "332": channel(p[1]).topic = p[2] || ""; render(); return;
  case "TOPIC": channel(p[0]).topic = p[1] || ""; addLine(p[0], { text: m.nick + " set the topic: " + (p[1] || "") }); return;
  case "PRIVMSG":
  case "NOTICE": {
    const target = p[0].startsWith("#") ? p[0] : (fold(p[0]) === fold(state.nick) ? m.nick : p[0]);
    if (!m.nick || !target || target.includes(".")) return;  // server notices
    addLine(target, { nick: m.nick, text: p[1] || "" });
    return;
  }
  default:
    if (/^[45]\d\d$/.test(m.command) && state.active) addLine(state.channels.get(state.active).name, { text: p.slice(1).join(" ") });
  }
}

function connect() {
  const scheme = location.protocol === "https:" ? "wss://" : "ws://";
  setStatus("connecting…");
  const socket = new WebSocket(scheme + location.host + "/", ["text.ircv3.net"]);
  state.socket = socket;
  state.registered = false;
  socket.onopen = () => {
    setStatus("registering…");
    send("NICK " + state.nick);
    send("USER " + state.nick + " 0 * :hiconn web chat");
  };
  socket.onmessage = (event) => {
    // One line per message; tolerate a server that sends several.
    for (const line of String(event.data).split(/\r?\n/)) if (line) onLine(line);
  };
  socket.onclose = () => {
    if (state.socket !== socket) return;
    state.socket = null;
    for (const ch of state.channels.values()) ch.members.clear();
    render();
    if (state.stopped) return;
    setStatus("disconnected; retrying in " + Math.round(state.retryMs / 1000) + " s", "down");
    setTimeout(connect, state.retryMs);
    state.retryMs = Math.min(state.retryMs * 2, 30000);  // back-off
  };
}

$("login").onsubmit = (event) => {
  event.preventDefault();
  state.nick = $("nick").value.trim();
  state.wanted = $("channels").value.split(/[ ,]+/).filter(Boolean).map((c) => (c.startsWith("#") ? c : "#" + c));
  $("login").hidden = true;
  $("chat").hidden = false;
  connect();
};

$("say").onsubmit = (event) => {
  event.preventDefault();
  const input = $("message");
  const text = input.value;
  input.value = "";
  if (!text) return;
  const ch = state.channels.get(state.active);
  if (text.startsWith("/")) {
    const [cmd, ...args] = text.slice(1).split(" ");
    const c = cmd.toLowerCase();
    if (c === "join" && args[0]) send("JOIN " + args[0]);
    else if (c === "part" && ch) send("PART " + ch.name + (args.length ? " :" + args.join(" ") : ""));
    else if (c === "nick" && args[0]) send("NICK " + args[0]);
    else if (c === "quit") { state.stopped = true; send("QUIT :" + (args.join(" ") || "bye")); }
    else send(text.slice(1));
    return;
  }
  if (!ch) return;
  send("PRIVMSG " + ch.name + " :" + text);
  addLine(ch.name, { nick: state.nick, text });  // the server does not echo our own message
};
