"""The dashboard over plain HTTP and its live feed over a real WebSocket, against a real
`scs serve`: never open, sign-in both ways, CSRF, throttled failures, headers, escaping, and a
feed that is authenticated, origin-checked, filtered per viewer, resumable and bounded."""
import json
import re
import time

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect as ws_connect

from conftest import Server
from dashboard import PASSWORD, Agent, Browserless, dash, dashboard_server, receive, receive_until, ws_url  # noqa: F401 (dash is a fixture)


def test_without_a_password_the_dashboard_shows_how_to_enable_it_and_no_data():
    srv = Server()
    srv.start()
    try:
        agent = Agent(srv, "quiet")
        session = agent.session("secret purpose xyz")
        client = Browserless(srv)
        for path in ("/ui/", "/ui/login", f"/ui/sessions/{session}", "/ui/memory", "/ui/audit"):
            status, headers, page = client.request(path)
            assert status == 503, (path, status)
            assert "scs setup --admin-password" in page and "secret purpose xyz" not in page
            assert "default-src 'self'" in headers["Content-Security-Policy"]
        # Nor can anyone sign in.
        assert client.request("/ui/login", {"password": "anything", "nonce": "x" * 20})[0] == 503
    finally:
        srv.stop()


def test_sign_in_with_the_password_and_the_headers_every_page_carries(dash):
    client = Browserless(dash)
    status, headers, _ = client.request("/ui/")
    assert status == 302 and headers["Location"].startswith("/ui/login")
    status, headers, _ = client.sign_in(password=PASSWORD)
    assert status == 303 and headers["Location"] == "/ui/"
    cookie = headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Secure" not in cookie
    for path in ("/ui/", "/ui/memory", "/ui/agents", "/ui/health", "/ui/audit", "/ui/connect"):
        status, headers, page = client.request(path)
        assert status == 200, (path, page[:300])
        csp = headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert headers["X-Frame-Options"] == "DENY" and headers["Referrer-Policy"] == "no-referrer"
        assert re.fullmatch(r"render;dur=[0-9]+\.[0-9]{3}", headers["Server-Timing"]), headers["Server-Timing"]
        assert "<script>" not in page and " on" not in page.split("<main>")[1].split("=")[0]  # no inline script
        assert dash.api_key not in page


def test_a_proxy_marked_https_request_gets_a_secure_cookie(dash):
    client = Browserless(dash)
    status, _, page = client.request("/ui/login")
    nonce = re.search(r'name="nonce" value="([^"]+)"', page).group(1)
    status, headers, _ = client.request(
        "/ui/login", {"nonce": nonce, "password": PASSWORD}, headers={"X-Forwarded-Proto": "https"})
    assert status == 303 and "Secure" in headers["Set-Cookie"]


def test_sign_in_with_a_token_shows_that_agents_view_only(dash):
    alice, bob = Agent(dash, "alice-d"), Agent(dash, "bob-d")
    session = alice.session("shared work")
    alice.post(session, "alice public note")
    alice.post(session, "alice private thought", visibility="private")
    bob.post(session, "bob says hi")
    client = Browserless(dash)
    status, _, _ = client.sign_in(token=bob.token)
    assert status == 303
    status, _, page = client.request(f"/ui/sessions/{session}")
    assert status == 200 and "alice public note" in page and "bob says hi" in page
    assert "alice private thought" not in page
    assert "Audit log" not in page  # the operator's pages are not offered
    assert client.request("/ui/audit")[0] == 403
    # The operator sees everything.
    admin = Browserless(dash)
    admin.sign_in(password=PASSWORD)
    assert "alice private thought" in admin.request(f"/ui/sessions/{session}")[2]


def test_wrong_credentials_are_refused_and_then_throttled():
    srv = dashboard_server()  # its own server: the throttle would refuse the other tests' sign-ins
    try:
        client = Browserless(srv)
        for wrong in ({"password": "not the password"}, {"token": "sct_forged"}, {"token": "not even a token"}, {"password": "x"}, {"password": ""}):
            status, _, page = client.sign_in(**wrong) if "password" in wrong else client.sign_in(token=wrong["token"])
            assert status == 401 and "Wrong password or token." in page
        status, headers, page = client.sign_in(password=PASSWORD)
        assert status == 429 and int(headers["Retry-After"]) > 0 and "Too many failed sign-ins" in page
        assert client.cookie("scs_dashboard") is None
    finally:
        srv.stop()


def test_a_sign_in_without_the_forms_nonce_is_refused(dash):
    client = Browserless(dash)
    status, _, _ = client.request("/ui/login", {"password": PASSWORD, "nonce": "forged-nonce-value-123"})
    assert status == 403 and client.cookie("scs_dashboard") is None


def test_forms_that_change_something_need_the_csrf_token_and_logout_ends_the_login(dash):
    agent = Agent(dash, "csrf-agent")
    session = agent.session("csrf")
    client = Browserless(dash)
    client.sign_in(password=PASSWORD)
    status, _, _ = client.request(f"/ui/sessions/{session}/messages", {"content": "forged", "csrf": "nope"})
    assert status == 403
    assert "forged" not in client.request(f"/ui/sessions/{session}")[2]
    csrf = client.csrf()
    status, headers, _ = client.request(f"/ui/sessions/{session}/messages", {"content": "from a person", "csrf": csrf})
    assert status == 303 and f"/ui/sessions/{session}#m-" in headers["Location"]
    messages = agent.call("get_messages", session_id=session)["messages"]
    assert [(m["sender"], m["sender_type"], m["content"]) for m in messages] == [("dashboard:operator", "human", "from a person")]
    # Logout ends the login on the server: the old cookie opens nothing afterwards.
    old = client.cookie("scs_dashboard")
    status, headers, _ = client.request("/ui/logout", {"csrf": csrf})
    assert status == 303 and headers["Location"] == "/ui/login"
    replay = Browserless(dash)
    status, _, _ = replay.request("/ui/", headers={"Cookie": f"scs_dashboard={old}"})
    assert status == 302


def test_a_revoked_token_ends_its_dashboard_login(dash):
    agent = Agent(dash, "revoked-d")
    client = Browserless(dash)
    client.sign_in(token=agent.token)
    assert client.request("/ui/")[0] == 200
    assert agent.call("revoke_token", token=agent.token)["revoked"]
    assert client.request("/ui/")[0] == 302


def test_hostile_content_is_escaped_and_links_are_kept_only_when_safe(dash):
    agent = Agent(dash, "hostile-d")
    session = agent.session('<img src=x onerror="alert(1)"> purpose')
    agent.post(session, '<script>alert("x")</script> **bold** [click](javascript:alert(1)) [ok](https://example.com/a?b=1&c=2)\n'
                        '```\n<b>not bold</b>\n```')
    client = Browserless(dash)
    client.sign_in(password=PASSWORD)
    page = client.request(f"/ui/sessions/{session}")[2]
    assert "<script>alert" not in page and "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in page
    assert "<strong>bold</strong>" in page
    assert 'href="javascript' not in page and "[click](javascript:alert(1))" in page
    assert 'href="https://example.com/a?b=1&amp;c=2" rel="noopener noreferrer nofollow"' in page
    assert "<pre><code>&lt;b&gt;not bold&lt;/b&gt;</code></pre>" in page


def test_sessions_list_searches_and_pages_past_fifty(dash):
    agent = Agent(dash, "many-d")
    for n in range(55):
        agent.session(f"paging run {n:02d}")
    client = Browserless(dash)
    client.sign_in(password=PASSWORD)
    page = client.request("/ui/?q=paging+run")[2]
    assert page.count('class="session-link"') == 50 and "Page 1 of 2" in page
    second = client.request("/ui/?q=paging+run&page=2")[2]
    assert second.count('class="session-link"') == 5
    assert "paging run 00" in second  # oldest last
    assert client.request("/ui/?q=no-such-purpose-zz")[2].count('class="session-link"') == 0


def test_memory_pages_show_entries_with_a_ttl_to_their_owner(dash):
    agent = Agent(dash, "memory-d")
    session = agent.session("memory")
    agent.call("set_memory", key="short-lived", value={"v": 1}, session_id=session, expires_in=3600)
    agent.call("set_memory", key="forever", value="global value")
    other = Agent(dash, "memory-other")
    other.call("set_memory", key="not-yours", value="hidden")
    client = Browserless(dash)
    client.sign_in(token=agent.token)
    page = client.request("/ui/memory")[2]
    assert "short-lived" in page and "forever" in page and "not-yours" not in page and "left)" in page
    assert "short-lived" in client.request(f"/ui/sessions/{session}")[2]
    assert "forever" not in client.request("/ui/memory?scope=session")[2]


def open_feed(dash, session, token=None, cookie=None, origin=None, after=None):
    headers = {}
    if cookie:
        headers["Cookie"] = f"scs_dashboard={cookie}"
    socket = ws_connect(ws_url(dash, session), additional_headers=headers, origin=origin, open_timeout=5).__enter__()
    message = {"type": "subscribe"}
    if token:
        message["auth_token"] = token
    if after is not None:
        message["after_id"] = after
    socket.send(json.dumps(message))
    assert receive(socket)["type"] == "subscribed"
    return socket


def test_the_feed_refuses_unauthenticated_and_foreign_origin_sockets(dash):
    agent = Agent(dash, "feed-guard")
    session = agent.session("guarded")
    # No credentials: nothing is sent, and a subscribe without a token closes the socket.
    with ws_connect(ws_url(dash, session), open_timeout=5) as socket:
        socket.send(json.dumps({"type": "ping"}))
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=5)
        assert closed.value.rcvd.code == 4401
    with ws_connect(ws_url(dash, session), open_timeout=5) as socket:
        socket.send(json.dumps({"type": "subscribe", "auth_token": "sct_not-a-real-token"}))
        with pytest.raises(ConnectionClosed) as closed:
            socket.recv(timeout=5)
        assert closed.value.rcvd.code == 4401
    # A foreign page's origin is refused before the upgrade, even with a valid cookie.
    client = Browserless(dash)
    client.sign_in(password=PASSWORD)
    with pytest.raises(InvalidStatus) as refused:
        ws_connect(ws_url(dash, session), origin="http://evil.example", open_timeout=5,
                   additional_headers={"Cookie": f"scs_dashboard={client.cookie('scs_dashboard')}"})
    # (Hummingbird answers every refused upgrade with 400 and closes the connection.)
    assert refused.value.response.status_code == 400
    # A forged cookie is refused too.
    with pytest.raises(InvalidStatus) as refused:
        ws_connect(ws_url(dash, session), open_timeout=5, additional_headers={"Cookie": "scs_dashboard=forged.1.x"})
    assert refused.value.response.status_code == 400
    # The page's own origin with the same cookie is let in.
    with ws_connect(ws_url(dash, session), origin=dash.url, open_timeout=5,
                    additional_headers={"Cookie": f"scs_dashboard={client.cookie('scs_dashboard')}"}) as socket:
        socket.send(json.dumps({"type": "subscribe"}))
        assert receive(socket)["type"] == "subscribed"


def test_the_feed_filters_every_event_per_viewer(dash):
    alice, bob = Agent(dash, "alice-f"), Agent(dash, "bob-f")
    session = alice.session("feed")
    admin = Browserless(dash)
    admin.sign_in(password=PASSWORD)
    bob_feed = open_feed(dash, session, token=bob.token)
    admin_feed = open_feed(dash, session, cookie=admin.cookie("scs_dashboard"), origin=dash.url)
    secret = alice.post(session, "alice secret", visibility="private")
    public = alice.post(session, "alice public")
    event = receive(bob_feed)
    assert event["type"] == "new_message" and event["data"]["id"] == public and event["data"]["content"] == "alice public"
    assert set(event["data"]) >= {"id", "sender", "sender_type", "content", "visibility", "timestamp", "metadata"}
    assert [receive(admin_feed)["data"]["id"] for _ in range(2)] == [secret, public]
    # Making the secret public reaches Bob as a change and as the message he can now read.
    alice.call("set_message_visibility", message_id=secret, visibility="public")
    change, seen = receive_until(bob_feed, "new_message")
    assert seen[0]["type"] == "message_visibility_changed" and seen[0]["data"]["visible_to_you"] is True
    assert change["data"]["id"] == secret
    # Alice's memory in the session reaches admins, not Bob.
    alice.call("set_memory", key="plan", value="step 1", session_id=session)
    update = receive(admin_feed)
    while update["type"] != "memory_update":
        update = receive(admin_feed)
    assert update["data"]["key"] == "plan" and update["data"]["agent_id"] == "alice-f"
    assert receive(admin_feed)["type"] == "session_update"
    alice.call("close_session", session_id=session)
    assert receive(bob_feed)["type"] == "session_closed"  # nothing about the memory came first
    bob_feed.close()
    admin_feed.close()


def test_resubscribing_with_after_id_replays_what_was_missed(dash):
    agent = Agent(dash, "resume-f")
    session = agent.session("resume")
    first = agent.post(session, "one")
    missed = [agent.post(session, f"missed {n}") for n in range(3)]
    feed = open_feed(dash, session, token=agent.token, after=first)
    assert [receive(feed)["data"]["id"] for _ in missed] == missed
    feed.send("ping")
    assert feed.recv(timeout=5) == "pong"
    feed.send(json.dumps({"type": "ping"}))
    assert receive(feed) == {"type": "pong"}
    feed.send(json.dumps({"type": "dance"}))
    assert receive(feed) == {"type": "error", "message": "Unknown message type: dance"}
    feed.close()


def test_revocation_and_logout_close_their_sockets(dash):
    agent = Agent(dash, "closing-f")
    session = agent.session("closing")
    feed = open_feed(dash, session, token=agent.token)
    agent.call("revoke_token", token=agent.token)
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            feed.recv(timeout=5)
    assert closed.value.rcvd.code == 4401 and closed.value.rcvd.reason == "token revoked"
    client = Browserless(dash)
    client.sign_in(password=PASSWORD)
    feed = open_feed(dash, session, cookie=client.cookie("scs_dashboard"))
    client.request("/ui/logout", {"csrf": client.csrf()})
    with pytest.raises(ConnectionClosed) as closed:
        while True:
            feed.recv(timeout=5)
    assert closed.value.rcvd.code == 4401 and closed.value.rcvd.reason == "signed out"


def test_a_consumer_that_stops_reading_is_closed_as_too_slow_and_can_resume(dash):
    agent = Agent(dash, "slow-f")
    session = agent.session("slow")
    feed = ws_connect(ws_url(dash, session), open_timeout=5, max_size=None, max_queue=1).__enter__()
    feed.send(json.dumps({"type": "subscribe", "auth_token": agent.token}))
    big = "x" * 90_000
    ids = [agent.post(session, big + str(n)) for n in range(400)]
    codes = []
    try:
        while True:
            feed.recv(timeout=10)
    except ConnectionClosed as closed:
        codes.append(closed.rcvd.code if closed.rcvd else None)
    assert codes == [4429]
    again = open_feed(dash, session, token=agent.token, after=ids[-3])
    assert [receive(again)["data"]["id"] for _ in range(2)] == ids[-2:]
    again.close()


def test_each_viewer_has_32_feeds_and_sockets_signing_in_by_message_do_not_share_them(dash):
    """Sockets that sign in with their first message count against their own token once signed
    in: 40 of them from one address (two agents, 20 each) all subscribe; one agent's 33rd is
    refused with 4503 while another agent still gets in."""
    first, second, third = Agent(dash, "many-a"), Agent(dash, "many-b"), Agent(dash, "many-c")
    session = first.session("many feeds")
    sockets = [open_feed(dash, session, token=agent.token) for agent in (first, second) for _ in range(20)]
    sockets += [open_feed(dash, session, token=first.token) for _ in range(12)]  # first now holds 32
    extra = ws_connect(ws_url(dash, session), open_timeout=5).__enter__()
    extra.send(json.dumps({"type": "subscribe", "auth_token": first.token}))
    with pytest.raises(ConnectionClosed) as closed:
        extra.recv(timeout=10)
    assert closed.value.rcvd.code == 4503
    sockets.append(open_feed(dash, session, token=third.token))
    message = first.post(session, "to all 53 feeds")
    assert all(receive_until(s, "new_message")[0]["data"]["id"] == message for s in sockets)
    for s in sockets:
        s.close()
