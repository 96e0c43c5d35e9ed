import Foundation
import Logging
import OrderedCollections
import SCSAuth
import SCSLive
import SCSCore
import SCSStorage
/// The dashboard's static files, compiled into the binary (no CDN, no build step).
enum DashboardAssets {
    struct File: Sendable {
        var type: String
        var body: String
    }

    static let files: [String: File] = [
        "app.css": File(type: "text/css; charset=utf-8", body: DashboardStyle.css),
        "app.js": File(type: "text/javascript; charset=utf-8", body: DashboardScript.js),
        "logo.svg": File(type: "image/svg+xml", body: logo),
    ]

    static let logo = """
        <svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32"><rect width="32" height="32" rx="7" fill="#3b6ef5"/>\
        <circle cx="11" cy="12" r="4" fill="#fff"/><circle cx="21" cy="12" r="4" fill="#fff" opacity=".75"/>\
        <path d="M6 24c1.5-4 4-5.5 10-5.5S24.5 20 26 24" stroke="#fff" stroke-width="2.5" fill="none" stroke-linecap="round"/></svg>
        """
}

/// The one style sheet: light and dark themes (the system's, or the one picked), and a layout
/// that folds to one column on a narrow window.
enum DashboardStyle {
    static let css = """
        :root{--bg:#f6f7f9;--panel:#fff;--text:#1c2230;--muted:#5d6678;--line:#dde1e8;--accent:#3b6ef5;--accent-text:#fff;
        --code:#eef1f6;--ok:#1f8a4c;--warn:#b26a00;--bad:#c62828;--pub:#1f8a4c;--priv:#7b4bd6;--agent:#b26a00;--admin:#c62828;color-scheme:light}
        @media (prefers-color-scheme:dark){:root:not([data-theme=light]){--bg:#12151c;--panel:#1b2029;--text:#e4e8f0;--muted:#9aa4b5;
        --line:#2c3340;--accent:#6c93ff;--accent-text:#0d1220;--code:#232a36;color-scheme:dark}}
        :root[data-theme=dark]{--bg:#12151c;--panel:#1b2029;--text:#e4e8f0;--muted:#9aa4b5;--line:#2c3340;--accent:#6c93ff;
        --accent-text:#0d1220;--code:#232a36;color-scheme:dark}
        *{box-sizing:border-box}
        body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;background:var(--bg);color:var(--text)}
        a{color:var(--accent)}
        code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.9em}
        code{background:var(--code);padding:.05em .3em;border-radius:4px}
        pre{background:var(--code);padding:.7em .9em;border-radius:6px;overflow:auto;max-height:28em}
        pre code{background:none;padding:0}
        .bar{display:flex;align-items:center;gap:1.2em;padding:.6em 1.2em;background:var(--panel);border-bottom:1px solid var(--line);
        position:sticky;top:0;z-index:5;flex-wrap:wrap}
        .brand{display:flex;align-items:center;gap:.4em;font-weight:700;text-decoration:none;color:var(--text)}
        nav.top{display:flex;gap:.2em;flex-wrap:wrap;flex:1}
        nav.top a{padding:.3em .7em;border-radius:6px;text-decoration:none;color:var(--muted)}
        nav.top a[aria-current=page]{background:var(--code);color:var(--text);font-weight:600}
        .who{display:flex;align-items:center;gap:.5em;color:var(--muted)}
        .badge{font-size:.75em;padding:.1em .5em;border-radius:99px;background:var(--code)}.badge.admin{background:var(--admin);color:#fff}
        button,.button{font:inherit;padding:.4em .9em;border-radius:6px;border:1px solid var(--accent);background:var(--accent);
        color:var(--accent-text);cursor:pointer}
        button.link{background:none;border:none;color:var(--accent);padding:0}
        button.theme{background:none;border:1px solid var(--line);color:var(--text);padding:.2em .55em}
        input,select,textarea{font:inherit;padding:.4em .55em;border:1px solid var(--line);border-radius:6px;background:var(--panel);color:var(--text)}
        main{max-width:1200px;margin:0 auto;padding:1.2em}
        h1{font-size:1.5em;margin:.2em 0 .6em}h2{font-size:1.15em;margin-top:1.6em}
        .card{background:var(--panel);border:1px solid var(--line);border-radius:10px;padding:1.2em 1.5em}
        .narrow{max-width:30em;margin:2em auto}
        .stack{display:flex;flex-direction:column;gap:.6em}.stack label{display:flex;flex-direction:column;gap:.3em}
        .or{text-align:center;color:var(--muted)}
        .notice{padding:.6em .9em;border-radius:6px;background:var(--code)}.notice.error{background:#fde8e8;color:#8a1c1c}
        .notice.ok{background:#e3f5ea;color:#14532d}.hidden{display:none!important}
        .filters{display:flex;gap:.5em;flex-wrap:wrap;align-items:center;margin:.6em 0 1em}.filters input[type=search]{min-width:16em}
        form.inline{display:inline}
        form.inline+form.inline{margin-left:.35rem}
        .scroll{overflow-x:auto}
        table.list{width:100%;border-collapse:collapse;background:var(--panel);border:1px solid var(--line);border-radius:8px}
        table.list th,table.list td{text-align:left;padding:.5em .7em;border-bottom:1px solid var(--line);vertical-align:top}
        table.list th{font-size:.85em;color:var(--muted);font-weight:600}
        .num{text-align:right!important}.id{font-size:.8em;color:var(--muted)}.muted,.empty{color:var(--muted)}
        .people,.meta{color:var(--muted);font-size:.9em}td.meta{word-break:break-all;max-width:30em}
        .state{font-size:.8em;padding:.1em .5em;border-radius:99px;background:var(--code)}
        .state.active,.state.ready,.state.healthy{background:#e3f5ea;color:#14532d}.state.closed{color:var(--muted)}
        .state.unhealthy,.state.failed,.state.down{background:#fde8e8;color:#8a1c1c}
        .session-head .meta{margin-top:-.4em}
        .tabs{display:flex;gap:.3em;border-bottom:1px solid var(--line);margin:1em 0}
        .tabs a{padding:.4em .9em;text-decoration:none;color:var(--muted);border-bottom:2px solid transparent}
        .tabs a[aria-selected=true],.tabs a[aria-current=page]{color:var(--text);border-color:var(--accent);font-weight:600}
        .messages{display:flex;flex-direction:column;gap:.6em}
        .msg{background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:.6em .9em}
        .msg header{display:flex;gap:.5em;align-items:baseline;flex-wrap:wrap;font-size:.9em}
        .msg .when{margin-left:auto;color:var(--muted);font-size:.85em}.sender-type,.type{color:var(--muted)}
        .msg .content{overflow-wrap:anywhere}.msg .content p{margin:.4em 0}
        .msg.fresh{animation:fresh 2s ease-out}@keyframes fresh{from{background:var(--code)}}
        .replies{border-left:3px solid var(--line);margin:.5em 0 0 .4em;padding-left:.8em;display:flex;flex-direction:column;gap:.5em}
        .reply-to{font-size:.85em}
        .vis{font-size:.75em;padding:.05em .45em;border-radius:99px;border:1px solid currentColor}
        .vis-public{color:var(--pub)}.vis-private{color:var(--priv)}.vis-agent_only{color:var(--agent)}.vis-admin_only{color:var(--admin)}
        .older{display:inline-block;margin:.3em 1em .6em 0}
        .unread{position:fixed;bottom:1.2em;right:1.2em;box-shadow:0 2px 8px rgba(0,0,0,.25)}
        .composer{margin-top:1em;display:flex;flex-direction:column;gap:.5em;background:var(--panel);border:1px solid var(--line);border-radius:8px;padding:.8em}
        .composer label.grow{display:block}.composer textarea{display:block;width:100%;margin-top:.3em}.composer .row{display:flex;justify-content:space-between;gap:.5em;flex-wrap:wrap}
        .feed{font-size:.9em}.feed.live{color:var(--ok)}.feed.down{color:var(--bad)}
        .dot{display:inline-block;width:.6em;height:.6em;border-radius:50%;background:var(--muted)}.dot.on{background:var(--ok)}
        .pager{display:flex;justify-content:space-between;align-items:center;margin:1em 0;color:var(--muted)}
        .facts{display:grid;grid-template-columns:max-content 1fr;gap:.3em 1em}.facts dt{color:var(--muted)}.facts dd{margin:0}
        pre.value{max-height:20em;white-space:pre-wrap;word-break:break-all}
        .secret{font-size:.95em}
        @media (max-width:700px){.bar{gap:.5em}main{padding:.7em}.msg .when{margin-left:0;width:100%}
        nav.top{order:3;flex:1 0 100%;flex-wrap:nowrap;overflow-x:auto;scrollbar-width:thin}nav.top a{white-space:nowrap}.who{margin-left:auto}
        table.list th:nth-child(n+5),table.list td:nth-child(n+5){display:none}#workers th,#workers td{display:table-cell!important}}
        """
}
