// The local chat page: act as any persona, talk to the bot through the local Bot API server.
// Reads /_local/web/*, writes through the control API (/_local/send, /press, /tap), refreshes on
// every server-sent event from /_local/events.
"use strict";

const GENERAL_TOPIC = 0;
const ANSWER_WAIT_MS = 4000; // how long a pressed button waits for the bot's answerCallbackQuery
const STICKERS = ["😀", "👍", "🙏", "❤️", "😢", "🌹"];
const TEHRAN = { latitude: 35.6892, longitude: 51.389 };
const COLORS = ["#e17076", "#7bc862", "#65aadd", "#a695e7", "#ee7aae", "#6ec9cb", "#faa774"];
const PHOTO_BOX = { width: 400, height: 320 }; // the most room a photo takes in a bubble (chat.css agrees)
const BOTTOM_SLACK_PX = 80; // this close to the end counts as "at the bottom"

const state = {
  overview: null,
  personaId: null,
  chat: null, // {chat_id, thread, type, title}
  view: null,
  viewing: null, // the chat, topic and last message last reported to the server as read
  atBottom: true, // the message list shows its end, so what arrives (or grows, as a photo loading) stays in view
  listOnly: false, // phones: the chat list is showing, not a chat
  keyboardFolded: false, // the client folded the reply keyboard away
  refreshing: false,
  again: false,
};

const $ = (id) => document.getElementById(id);
const el = (tag, attrs = {}, ...children) => {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (key === "class") node.className = value;
    else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) node.setAttribute(key, value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
};

// --- talking to the server ------------------------------------------------------------------

async function getJson(url) {
  const response = await fetch(url, { cache: "no-store" });
  if (!response.ok) throw new Error(`${url}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function control(path, body) {
  const response = await fetch(`/_local/${path}`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({ ok: false, description: response.statusText }));
  if (!answer.ok) throw new Error(answer.description || "خطا");
  return answer.result;
}

function persona() {
  return state.overview?.personas.find((p) => p.user_id === state.personaId) || null;
}

// Where a message goes: the persona's private chat, or a group (and topic).
function target() {
  const body = { user_id: state.personaId };
  if (state.chat.type !== "private") {
    body.chat_id = state.chat.chat_id;
    if (state.chat.thread) body.message_thread_id = state.chat.thread;
  }
  return body;
}

// --- read marks (kept by the server, as Telegram keeps them) ----------------------------------

// Tells the server what this persona has open and has read; it marks chats unread from that, and
// opens this chat again when the persona is chosen next time.
function reportViewing() {
  if (!state.chat) return;
  const messages = state.view?.messages || [];
  const body = {
    user_id: state.personaId,
    chat_id: state.chat.chat_id,
    thread: state.chat.thread,
    message_id: messages.length ? messages[messages.length - 1].message_id : 0,
  };
  const key = JSON.stringify(body);
  if (key === state.viewing) return;
  state.viewing = key;
  fetch("/_local/web/viewing", {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: key,
  }).catch((error) => console.warn(error));
}

function personaChats(p) {
  const chats = [...p.chats];
  if (!chats.some((c) => c.type === "private")) {
    // The private chat with the bot exists before the first message, as in Telegram.
    chats.unshift({ chat_id: p.user_id, type: "private", title: state.overview.bot.name, last: null });
  }
  return chats;
}

function personaHasUnread(p) {
  return personaChats(p).some((c) => c.unread);
}

// The chat (and topic) the server suggests opening for a persona: something waiting, else the last one open.
function openingChat(p) {
  const chats = personaChats(p);
  const wanted = p.opening && chats.find((c) => c.chat_id === p.opening.chat_id);
  const chat = wanted || chats[0];
  if (!chat) return null;
  const thread = chat.threads ? (wanted && chat.threads.some((t) => t.thread_id === p.opening.thread) ? p.opening.thread : GENERAL_TOPIC) : null;
  return { ...chat, thread };
}

// --- rendering: sidebar ---------------------------------------------------------------------

function avatar(name, id) {
  const color = COLORS[Math.abs(id) % COLORS.length];
  return el("span", { class: "avatar", style: `background:${color}` }, (name || "?").trim().charAt(0));
}

function renderSidebar() {
  const overview = state.overview;
  const status = $("bot-status");
  status.dataset.online = String(overview.bot_online);
  status.textContent = overview.bot_online
    ? `ربات @${overview.bot.username} وصل است`
    : "ربات وصل نیست (در حال راه‌اندازی؟)";
  $("offline-banner").hidden = overview.bot_online;

  $("personas").replaceChildren(
    ...overview.personas.map((p) =>
      el(
        "li",
        {
          class: "persona",
          "data-persona": p.user_id,
          "data-kind": p.kind,
          "aria-selected": String(p.user_id === state.personaId),
          onclick: () => choosePersona(p.user_id),
        },
        avatar(p.name, p.user_id),
        el("div", { class: "who" }, el("div", { class: "name" }, p.name), el("div", { class: "role" }, p.role)),
        p.user_id !== state.personaId && personaHasUnread(p) ? el("span", { class: "unread" }) : null,
      ),
    ),
  );

  const p = persona();
  $("chats").replaceChildren(...(p ? personaChats(p).map((c) => chatItem(p, c)) : []));
}

function chatItem(p, c) {
  const selected = state.chat && state.chat.chat_id === c.chat_id;
  const item = el(
    "li",
    {},
    el(
      "div",
      {
        class: "chat-item",
        "data-chat-id": c.chat_id,
        "data-chat-type": c.type,
        "aria-selected": String(Boolean(selected && !c.threads)),
        onclick: () => openChat(c, c.threads ? GENERAL_TOPIC : null),
      },
      avatar(c.title, c.chat_id),
      el(
        "div",
        { class: "who" },
        el("div", { class: "name" }, c.title),
        el("div", { class: "preview" }, c.typing ? "در حال نوشتن…" : c.last ? c.last.preview : ""),
      ),
      !c.threads && !selected && c.unread ? el("span", { class: "unread" }) : null,
    ),
  );
  if (c.threads) {
    item.append(
      el(
        "ul",
        { class: "threads" },
        c.threads.map((t) => {
          const here = selected && state.chat.thread === t.thread_id;
          return el(
            "li",
            {
              class: `thread-item${t.closed ? " closed" : ""}`,
              "data-chat-id": c.chat_id,
              "data-thread": t.thread_id,
              "aria-selected": String(Boolean(here)),
              onclick: () => openChat(c, t.thread_id),
            },
            el("span", { class: "icon" }, t.thread_id === GENERAL_TOPIC ? "#" : "💬"),
            el(
              "div",
              { class: "who" },
              el("div", { class: "name" }, t.title),
              el("div", { class: "preview" }, t.last ? t.last.preview : ""),
            ),
            !here && t.unread ? el("span", { class: "unread" }) : null,
          );
        }),
      ),
    );
  }
  return item;
}

// --- rendering: the chat --------------------------------------------------------------------

// Telegram entities use UTF-16 offsets, which is exactly how JavaScript strings index.
function renderEntities(text, entities) {
  if (!entities || !entities.length) return [text];
  const cuts = new Set([0, text.length]);
  for (const e of entities) {
    cuts.add(e.offset);
    cuts.add(Math.min(text.length, e.offset + e.length));
  }
  const points = [...cuts].sort((a, b) => a - b);
  const nodes = [];
  for (let i = 0; i < points.length - 1; i++) {
    const [start, end] = [points[i], points[i + 1]];
    let node = document.createTextNode(text.slice(start, end));
    for (const e of entities) {
      if (e.offset <= start && e.offset + e.length >= end) node = wrapEntity(node, e, text.slice(e.offset, e.offset + e.length));
    }
    nodes.push(node);
  }
  return nodes;
}

function wrapEntity(node, entity, whole) {
  const tags = { bold: "b", italic: "i", underline: "u", strikethrough: "s", code: "code", pre: "pre", blockquote: "blockquote", expandable_blockquote: "blockquote" };
  if (tags[entity.type]) return el(tags[entity.type], {}, node);
  if (entity.type === "spoiler") {
    return el("span", { class: "spoiler", onclick: (ev) => ev.currentTarget.classList.add("shown") }, node);
  }
  if (entity.type === "text_link" || entity.type === "url") {
    const href = entity.type === "url" ? (/^https?:/i.test(whole) ? whole : `https://${whole}`) : entity.url;
    return el("a", { href, target: "_blank", rel: "noopener" }, node);
  }
  if (entity.type === "phone_number") return el("a", { href: `tel:${whole}` }, node);
  return node;
}

const timeOf = (unix) => new Date(unix * 1000).toLocaleTimeString("fa-IR", { hour: "2-digit", minute: "2-digit" });

function serviceText(m) {
  if (m.forum_topic_created) return `موضوع «${m.forum_topic_created.name}» ساخته شد`;
  if (m.forum_topic_edited) return m.forum_topic_edited.name ? `نام موضوع: «${m.forum_topic_edited.name}»` : "موضوع ویرایش شد";
  if (m.forum_topic_closed) return "موضوع بسته شد";
  if (m.forum_topic_reopened) return "موضوع دوباره باز شد";
  if (m.new_chat_members) return `${m.new_chat_members.map((u) => u.first_name).join("، ")} به گروه پیوست`;
  if (m.left_chat_member) return `${m.left_chat_member.first_name} گروه را ترک کرد`;
  if (m.group_chat_created || m.supergroup_chat_created) return "گروه ساخته شد";
  if (m.pinned_message) return "پیامی سنجاق شد";
  return null;
}

function fileUrl(fileId) {
  return `/_local/files/${encodeURIComponent(fileId)}`;
}

function mediaOf(m) {
  if (m.photo) {
    const biggest = m.photo[m.photo.length - 1];
    const img = el("img", { class: "photo", src: fileUrl(biggest.file_id), alt: "عکس", loading: "lazy", ...photoSize(biggest) });
    img.addEventListener("error", () => img.replaceWith(el("div", { class: "media-missing" }, "🖼")));
    img.addEventListener("load", keepAtBottom);
    return img;
  }
  if (m.sticker) return el("div", { class: "sticker" }, m.sticker.emoji || "🙂");
  const file = m.document || m.voice || m.audio || m.video || m.animation || m.video_note;
  if (file) {
    const label = m.document ? file.file_name || "فایل" : m.voice ? "پیام صوتی" : m.video || m.video_note ? "ویدیو" : "فایل صوتی";
    return el(
      "a",
      { class: "document", href: fileUrl(file.file_id), target: "_blank", rel: "noopener", download: file.file_name || null },
      el("span", { class: "doc-icon" }, m.voice || m.audio ? "🎤" : m.video || m.video_note ? "🎬" : "📄"),
      el("span", {}, label),
    );
  }
  if (m.location) {
    const { latitude, longitude } = m.location;
    return el(
      "a",
      { href: `https://www.openstreetmap.org/?mlat=${latitude}&mlon=${longitude}`, target: "_blank", rel: "noopener" },
      `📍 موقعیت مکانی (${latitude.toFixed(4)}, ${longitude.toFixed(4)})`,
    );
  }
  if (m.contact) return el("div", {}, `📞 ${m.contact.first_name || ""} ${m.contact.phone_number}`);
  return null;
}

// The size a photo is shown at, known before it loads, so the list does not grow under the reader.
function photoSize(size) {
  if (!size.width || !size.height) return {};
  const scale = Math.min(1, PHOTO_BOX.width / size.width, PHOTO_BOX.height / size.height);
  return { width: Math.round(size.width * scale), height: Math.round(size.height * scale) };
}

function isAtBottom(box) {
  return box.scrollHeight - box.scrollTop - box.clientHeight < BOTTOM_SLACK_PX;
}

// Something in the list grew (a photo loaded): if the reader was at the end, the end stays in view.
function keepAtBottom() {
  const box = $("messages");
  if (state.atBottom) box.scrollTop = box.scrollHeight;
}

function inlineKeyboard(m) {
  const rows = m.reply_markup?.inline_keyboard;
  if (!rows) return null;
  return el(
    "div",
    { class: "inline-keyboard" },
    rows.map((row) =>
      el(
        "div",
        { class: "inline-row" },
        row.map((button) => {
          if (button.url) {
            return el("button", { type: "button", class: "inline-btn url", onclick: () => window.open(button.url, "_blank", "noopener") }, button.text);
          }
          return el(
            "button",
            {
              type: "button",
              class: "inline-btn",
              "data-message-id": m.message_id,
              "data-callback": button.callback_data ?? null,
              onclick: (ev) => pressButton(ev.currentTarget, m, button),
            },
            button.text,
          );
        }),
      ),
    ),
  );
}

function messageNode(m) {
  const service = serviceText(m);
  if (service) return el("div", { class: "service", "data-message-id": m.message_id }, service);
  const mine = m.from && m.from.id === state.personaId;
  const group = state.chat.type !== "private";
  const text = m.text ?? m.caption ?? "";
  const entities = m.text !== undefined ? m.entities : m.caption_entities;
  const quoted = m.reply_to_message && !m.reply_to_message.forum_topic_created ? m.reply_to_message : null;
  return el(
    "div",
    {
      class: `msg ${mine ? "out" : "in"}`,
      "data-message-id": m.message_id,
      "data-from-bot": String(Boolean(m.from?.is_bot)),
      dir: "auto",
    },
    group && !mine ? el("div", { class: "sender" }, m.from?.first_name || "") : null,
    quoted ? el("div", { class: "quote" }, (quoted.text || quoted.caption || "…").slice(0, 80)) : null,
    mediaOf(m),
    text ? el("div", { class: "text" }, renderEntities(text, entities)) : null,
    el("div", { class: "meta" }, `${m.edit_date ? "ویرایش‌شده · " : ""}${timeOf(m.edit_date || m.date)}`),
    inlineKeyboard(m),
  );
}

function renderReplyKeyboard(keyboard) {
  const box = $("reply-keyboard");
  const rows = keyboard?.keyboard;
  $("keyboard-btn").hidden = !rows;
  box.hidden = !rows || state.keyboardFolded;
  if (!rows) return box.replaceChildren();
  box.replaceChildren(
    ...rows.map((row) =>
      el(
        "div",
        { class: "reply-row" },
        row.map((b) => {
          const text = typeof b === "string" ? b : b.text;
          const icon = b.request_contact ? "📞 " : b.request_location ? "📍 " : "";
          return el("button", { type: "button", class: "reply-btn", onclick: () => tap(text) }, icon + text);
        }),
      ),
    ),
  );
}

// The bot's command menu (setMyCommands), as Telegram's "/" button shows it.
function renderCommands(commands) {
  $("commands-btn").hidden = !commands.length;
  $("commands-menu").replaceChildren(
    ...commands.map((c) =>
      el(
        "button",
        { type: "button", "data-command": c.command, onclick: () => { $("commands-menu").hidden = true; sendText(`/${c.command}`); } },
        el("span", { class: "command" }, `/${c.command}`),
        el("span", { class: "command-description" }, c.description),
      ),
    ),
  );
}

function renderChat() {
  const chat = state.chat;
  const view = state.view;
  $("app").classList.toggle("in-chat", Boolean(chat));
  if (!chat || !view) return;
  const thread = chat.threads?.find((t) => t.thread_id === chat.thread);
  $("chat-title").textContent = thread ? `${chat.title} › ${thread.title}` : chat.title;
  const subtitle = $("chat-subtitle");
  subtitle.classList.toggle("typing", view.typing);
  subtitle.textContent = view.typing ? "در حال نوشتن…" : chat.type === "private" ? "ربات" : "گروه";

  const box = $("messages");
  const atBottom = state.atBottom || isAtBottom(box);
  // Everything that changes the height of the message list first, so the scroll lands at the end.
  $("start-panel").hidden = !(chat.type === "private" && view.messages.length === 0);
  renderReplyKeyboard(view.keyboard);
  renderCommands(view.commands || []);
  $("closed-note").hidden = !view.closed;
  $("composer").hidden = view.closed;
  box.replaceChildren(...view.messages.map(messageNode));
  if (atBottom || state.scrollToEnd) {
    box.scrollTop = box.scrollHeight;
    state.atBottom = true;
  }
  state.scrollToEnd = false;
  reportViewing();
}

// --- refreshing -----------------------------------------------------------------------------

async function refresh() {
  if (state.refreshing) {
    state.again = true; // one more round after this one; events never pile up
    return;
  }
  state.refreshing = true;
  try {
    do {
      state.again = false;
      state.overview = await getJson("/_local/web/overview");
      if (state.personaId === null && state.overview.personas.length) {
        state.personaId = state.overview.personas[0].user_id;
      }
      if (!state.chat && !state.listOnly) {
        state.chat = persona() && openingChat(persona());
      } else if (state.chat) {
        const fresh = persona() && personaChats(persona()).find((c) => c.chat_id === state.chat.chat_id);
        if (fresh) state.chat = { ...fresh, thread: state.chat.thread };
      }
      if (state.chat) {
        const thread = state.chat.thread === null ? "" : `&thread=${state.chat.thread}`;
        state.view = await getJson(`/_local/web/chat?user_id=${state.personaId}&chat_id=${state.chat.chat_id}${thread}`);
      }
      renderChat();
      renderSidebar();
    } while (state.again);
  } catch (error) {
    console.error(error);
  } finally {
    state.refreshing = false;
  }
}

function listen() {
  const events = new EventSource("/_local/events");
  events.onmessage = () => refresh();
  events.onerror = () => {
    $("bot-status").dataset.online = "false";
    $("bot-status").textContent = "اتصال به سرور محلی قطع شد؛ دوباره تلاش می‌شود…";
  };
}

function choosePersona(userId) {
  if (userId === state.personaId) return;
  state.personaId = userId;
  state.chat = null;
  state.view = null;
  state.scrollToEnd = true;
  $("reply-keyboard").hidden = true;
  $("toast").hidden = true;
  history.replaceState(null, "", `#persona=${userId}`);
  refresh();
}

function openChat(c, thread) {
  state.chat = { ...c, thread };
  state.listOnly = false;
  state.scrollToEnd = true;
  refresh().then(() => $("composer-input").focus());
}

// --- acting -------------------------------------------------------------------------------

let toastTimer = null;
function toast(text) {
  const box = $("toast");
  box.textContent = text;
  box.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => (box.hidden = true), 3500);
}

function showAlert(text) {
  $("alert-text").textContent = text;
  $("alert").hidden = false;
  $("alert-ok").focus();
}

async function act(promise, failure = "انجام نشد") {
  try {
    const result = await promise;
    state.scrollToEnd = true;
    return result;
  } catch (error) {
    console.warn(error);
    toast(`${failure}.\n(${error.message})`);
    return null;
  }
}

async function sendText(text) {
  const body = { ...target(), type: "text", text };
  return act(control("send", body), "پیام فرستاده نشد");
}

async function sendKind(kind, extra) {
  return act(control("send", { ...target(), type: kind, ...extra }));
}

async function tap(text) {
  if (state.chat.type !== "private") return sendText(text);
  return act(control("tap", { user_id: state.personaId, text }));
}

async function pressButton(node, message, button) {
  node.setAttribute("aria-busy", "true");
  const body = { user_id: state.personaId, message_id: message.message_id, callback_data: button.callback_data };
  if (state.chat.type !== "private") body.chat_id = state.chat.chat_id;
  // A button can be gone by now (the bot edited the message); say so instead of pretending.
  const queryId = await act(control("press", body), "این دکمه دیگر کار نمی‌کند");
  if (queryId) {
    // Like Telegram: the button shows progress until the bot answers the press.
    const deadline = Date.now() + ANSWER_WAIT_MS;
    while (Date.now() < deadline) {
      const answers = await getJson(`/_local/callback_answers?callback_query_id=${encodeURIComponent(queryId)}`);
      const answer = answers.result?.[0];
      if (answer) {
        if (answer.text) (answer.show_alert ? showAlert : toast)(answer.text);
        if (answer.url) window.open(answer.url, "_blank", "noopener");
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }
  node.removeAttribute("aria-busy");
}

function readFile(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result).split(",", 2)[1] || "");
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}

async function sendFile(kind, input) {
  const file = input.files[0];
  input.value = "";
  if (!file) return;
  const caption = $("composer-input").value.trim();
  const extra = { content_base64: await readFile(file), caption: caption || null };
  if (kind === "document") Object.assign(extra, { file_name: file.name, mime_type: file.type || "application/octet-stream" });
  if (await sendKind(kind, extra)) $("composer-input").value = "";
}

function attach(kind) {
  $("attach-menu").hidden = true;
  if (kind === "photo") return $("photo-input").click();
  if (kind === "document") return $("document-input").click();
  if (kind === "sticker") return sendKind("sticker", { emoji: STICKERS[Math.floor(Math.random() * STICKERS.length)] });
  if (kind === "voice") return sendKind("voice", {});
  if (kind === "location") return sendKind("location", TEHRAN);
  if (kind === "contact") {
    const p = persona();
    return sendKind("contact", { phone_number: p.phone || `+98912${String(p.user_id).padStart(7, "0").slice(-7)}`, first_name: p.name });
  }
}

function wire() {
  const input = $("composer-input");
  $("composer").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    const text = input.value;
    if (!text.trim()) return;
    input.value = "";
    if (!(await sendText(text))) input.value = text; // nothing typed is lost on a failure
  });
  $("messages").addEventListener("scroll", (ev) => (state.atBottom = isAtBottom(ev.currentTarget)));
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Enter" && !ev.shiftKey && !ev.isComposing) {
      ev.preventDefault();
      $("composer").requestSubmit();
    }
  });
  $("keyboard-btn").addEventListener("click", () => {
    state.keyboardFolded = !state.keyboardFolded;
    renderReplyKeyboard(state.view?.keyboard);
  });
  $("start-btn").addEventListener("click", () => sendText("/start"));
  $("attach-btn").addEventListener("click", () => ($("attach-menu").hidden = !$("attach-menu").hidden));
  $("commands-btn").addEventListener("click", () => ($("commands-menu").hidden = !$("commands-menu").hidden));
  for (const button of document.querySelectorAll("[data-attach]")) {
    button.addEventListener("click", () => attach(button.dataset.attach));
  }
  $("photo-input").addEventListener("change", () => sendFile("photo", $("photo-input")));
  $("document-input").addEventListener("change", () => sendFile("document", $("document-input")));
  $("alert-ok").addEventListener("click", () => ($("alert").hidden = true));
  $("back").addEventListener("click", () => {
    state.chat = null;
    state.listOnly = true;
    $("app").classList.remove("in-chat");
    renderSidebar();
  });
  const wanted = /persona=(-?\d+)/.exec(location.hash);
  if (wanted) state.personaId = Number(wanted[1]);
}

wire();
refresh();
listen();
