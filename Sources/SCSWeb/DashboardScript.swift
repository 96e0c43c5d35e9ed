import Foundation
import Logging
import OrderedCollections
import SCSAuth
import SCSLive
import SCSCore
import SCSStorage
/// The dashboard's only script (served as a file: the CSP allows no inline script). Theme switch,
/// relative times, tabs, revealing the API key, and the session page's live feed: a WebSocket that
/// hears of new messages and fetches them as server-rendered HTML (one renderer, escaped there).
enum DashboardScript {
    static let js = #"""
        "use strict";
        (function () {
          var root = document.documentElement;
          var saved = localStorage.getItem("scs-theme");
          if (saved) root.setAttribute("data-theme", saved);
          function onReady(fn) { if (document.readyState !== "loading") fn(); else document.addEventListener("DOMContentLoaded", fn); }
          function csrf() { var m = document.querySelector('meta[name="csrf-token"]'); return m ? m.content : ""; }

          function relative(iso) {
            var seconds = (Date.now() - Date.parse(iso)) / 1000;
            if (isNaN(seconds)) return null;
            if (seconds < 0) { var ahead = -seconds; return ahead < 90 ? "in " + Math.round(ahead) + " s" : ahead < 5400 ? "in " + Math.round(ahead / 60) + " min" : null; }
            if (seconds < 45) return "just now";
            if (seconds < 5400) return Math.round(seconds / 60) + " min ago";
            if (seconds < 129600) return Math.round(seconds / 3600) + " h ago";
            return null;
          }
          function refreshTimes(scope) {
            (scope || document).querySelectorAll("time[datetime]").forEach(function (t) {
              var text = relative(t.getAttribute("datetime"));
              if (text) t.textContent = text;
            });
          }

          onReady(function () {
            var toggle = document.getElementById("theme-toggle");
            if (toggle) toggle.addEventListener("click", function () {
              var dark = root.getAttribute("data-theme") === "dark" ||
                (!root.getAttribute("data-theme") && window.matchMedia("(prefers-color-scheme: dark)").matches);
              var next = dark ? "light" : "dark";
              root.setAttribute("data-theme", next);
              localStorage.setItem("scs-theme", next);
            });
            refreshTimes();
            setInterval(refreshTimes, 30000);
            setUpTabs();
            setUpReveal();
            setUpFeed();
          });

          function setUpTabs() {
            var tabs = document.querySelectorAll('.tabs a[role="tab"]');
            if (!tabs.length) return;
            function show(name) {
              tabs.forEach(function (tab) {
                var id = tab.getAttribute("href").slice(1);
                tab.setAttribute("aria-selected", id === name ? "true" : "false");
                var panel = document.getElementById(id);
                if (panel) panel.classList.toggle("hidden", id !== name);
              });
            }
            tabs.forEach(function (tab) {
              tab.addEventListener("click", function (event) { event.preventDefault(); show(tab.getAttribute("href").slice(1)); });
            });
            show(location.hash === "#memory" ? "memory" : "messages");
          }

          function setUpReveal() {
            var button = document.getElementById("reveal-key");
            var field = document.getElementById("api-key");
            if (!button || !field) return;
            button.addEventListener("click", function () {
              fetch("/ui/api-key", { method: "POST", credentials: "same-origin",
                headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: "csrf=" + encodeURIComponent(csrf()) })
                .then(function (r) { return r.json(); })
                .then(function (body) {
                  if (!body.api_key) { field.textContent = body.error || "not available"; field.classList.remove("hidden"); return; }
                  field.textContent = body.api_key;
                  field.classList.remove("hidden");
                  button.disabled = true;
                  setTimeout(function () { field.textContent = ""; field.classList.add("hidden"); button.disabled = false; }, (body.ttl_seconds || 30) * 1000);
                });
            });
          }

          function setUpFeed() {
            var body = document.body;
            var session = body.getAttribute("data-session");
            if (!session || body.getAttribute("data-live") !== "1") return;
            var list = document.getElementById("message-list");
            var state = document.getElementById("feed-state");
            var unreadButton = document.getElementById("unread");
            var lastId = parseInt(body.getAttribute("data-last-id") || "0", 10);
            var visibility = body.getAttribute("data-visibility") || "";
            var unread = 0, fetching = false, again = false, attempts = 0, socket = null, pinger = null;

            function setState(text, cls) { state.textContent = text; state.className = "feed " + (cls || ""); }
            function atBottom() { return window.innerHeight + window.scrollY >= document.body.scrollHeight - 120; }
            function setUnread(n) {
              unread = n;
              unreadButton.textContent = n + (n === 1 ? " new message ↓" : " new messages ↓");
              unreadButton.classList.toggle("hidden", n === 0);
            }
            unreadButton.addEventListener("click", function () { window.scrollTo(0, document.body.scrollHeight); setUnread(0); });
            window.addEventListener("scroll", function () { if (unread && atBottom()) setUnread(0); });

            function fetchNew() {
              if (fetching) { again = true; return; }
              fetching = true;
              var url = "/ui/sessions/" + encodeURIComponent(session) + "/messages?after=" + lastId + (visibility ? "&visibility=" + encodeURIComponent(visibility) : "");
              fetch(url, { credentials: "same-origin", redirect: "manual" }).then(function (r) {
                // The login ended: never append whatever came instead of messages (a sign-in page).
                if (r.status === 401 || r.type === "opaqueredirect" || r.redirected) { signedOut(); throw new Error("signed out"); }
                if (!r.ok) throw new Error("HTTP " + r.status);
                var last = parseInt(r.headers.get("X-Last-ID") || "0", 10);
                return r.text().then(function (html) { return { html: html, last: last }; });
              }).then(function (page) {
                var follow = atBottom();
                var holder = document.createElement("div");
                holder.innerHTML = page.html;
                var added = 0;
                Array.prototype.slice.call(holder.children).forEach(function (el) {
                  if (document.getElementById(el.id)) return;
                  el.classList.add("fresh");
                  list.appendChild(el);
                  refreshTimes(el);
                  added++;
                });
                if (page.last > lastId) lastId = page.last;
                if (added) { if (follow) window.scrollTo(0, document.body.scrollHeight); else setUnread(unread + added); }
              }).catch(function () {}).then(function () {
                fetching = false;
                if (again) { again = false; fetchNew(); }
              });
            }

            var ended = false;
            function signedOut() {
              ended = true;
              setState("signed out: reload to sign in again", "down");
              clearInterval(pinger);
              if (socket) { socket.onclose = null; socket.close(); }
            }

            function connect() {
              if (ended) return;
              var scheme = location.protocol === "https:" ? "wss://" : "ws://";
              socket = new WebSocket(scheme + location.host + "/ws/" + encodeURIComponent(session));
              setState("connecting…");
              socket.onopen = function () { socket.send(JSON.stringify({ type: "subscribe", after_id: lastId })); };
              socket.onmessage = function (event) {
                var message;
                try { message = JSON.parse(event.data); } catch (e) { return; }
                switch (message.type) {
                  case "subscribed": attempts = 0; setState("live", "live"); break;
                  case "new_message": fetchNew(); break;
                  case "message_visibility_changed":
                    var el = document.getElementById("m-" + message.data.id);
                    if (message.data.visible_to_you === false || (visibility && message.data.visibility !== visibility)) { if (el) el.remove(); }
                    else if (el) { var badge = el.querySelector(".vis"); if (badge) { badge.className = "vis vis-" + message.data.visibility; badge.textContent = message.data.visibility.replace("_", " "); } }
                    break;
                  case "session_closed":
                    document.getElementById("closed-note").classList.remove("hidden");
                    var composer = document.getElementById("composer");
                    if (composer) composer.remove();
                    break;
                  case "memory_update":
                    var tab = document.getElementById("tab-memory");
                    if (tab && tab.textContent.indexOf("updated") < 0) tab.textContent += " · updated";
                    break;
                }
              };
              socket.onclose = function (event) {
                clearInterval(pinger);
                if (event.code === 4401 || event.code === 4403) { ended = true; setState(event.reason || "signed out", "down"); return; }
                attempts++;
                var delay = Math.min(15000, 500 * Math.pow(2, attempts));
                setState("reconnecting…", "down");
                setTimeout(connect, delay);
              };
              clearInterval(pinger);
              pinger = setInterval(function () { if (socket.readyState === 1) socket.send(JSON.stringify({ type: "ping" })); }, 25000);
            }
            connect();
          }
        })();
        """#
}
