"""The dashboard in a real headless browser (Debian's chromium through chromedriver, driven by
selenium): sign-in both ways, live messages without a reload, per-viewer visibility, inert hostile
content, pages working under the CSP, restarting a worker, and the composer reaching an agent's
long-poll. Screenshots go to .build/screenshots (looked at by a person; not asserted on)."""
import json
import os
import threading
import time
import urllib.request

import pytest
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as ready
from selenium.webdriver.support.ui import Select, WebDriverWait

from conftest import ROOT
from dashboard import PASSWORD, Agent, Browserless, dash, dashboard_server  # noqa: F401 (dash is a fixture)

SHOTS = os.path.join(ROOT, ".build", "screenshots")


def make_browser(width=1280, height=900, dark=False):
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", f"--window-size={width},{height}"):
        options.add_argument(argument)
    if dark:
        options.add_argument("--force-dark-mode")
        options.add_argument("--blink-settings=preferredColorScheme=0")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(20)
    return driver


@pytest.fixture
def browser():
    driver = make_browser()
    yield driver
    driver.quit()


def shot(driver, name):
    os.makedirs(SHOTS, exist_ok=True)
    driver.save_screenshot(os.path.join(SHOTS, name + ".png"))


def sign_in(driver, dash, password=None, token=None, path="/ui/"):
    driver.get(dash.url + "/ui/login?next=" + path)
    if password is not None:
        driver.find_element(By.ID, "password").send_keys(password)
        driver.find_element(By.ID, "sign-in-password").click()
    else:
        driver.find_element(By.ID, "token").send_keys(token)
        driver.find_element(By.ID, "sign-in-token").click()


def csp_errors(driver):
    return [entry["message"] for entry in driver.get_log("browser") if "Content Security Policy" in entry["message"]]


def feed_live(driver):
    WebDriverWait(driver, 5).until(ready.text_to_be_present_in_element((By.ID, "feed-state"), "live"))


def test_sign_in_with_the_password_with_a_token_and_wrong_credentials(dash, browser):
    browser.get(dash.url + "/ui/")
    assert "/ui/login" in browser.current_url
    shot(browser, "sign-in")
    sign_in(browser, dash, password="wrong password!")
    # The answer is a new page: wait for it (find_element right after the click can run on the old one).
    notice = WebDriverWait(browser, 5).until(ready.presence_of_element_located((By.CSS_SELECTOR, ".notice.error")))
    assert "Wrong password or token." in notice.text
    assert browser.get_cookie("scs_dashboard") is None
    sign_in(browser, dash, password=PASSWORD)
    WebDriverWait(browser, 5).until(ready.presence_of_element_located((By.ID, "sign-out")))
    assert browser.find_element(By.ID, "viewer-name").text == "operator"
    cookie = browser.get_cookie("scs_dashboard")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    assert browser.execute_script("return document.cookie").find("scs_dashboard") < 0  # not readable by script
    browser.find_element(By.ID, "sign-out").click()
    WebDriverWait(browser, 5).until(ready.url_contains("/ui/login"))
    agent = Agent(dash, "browser-token")
    sign_in(browser, dash, token=agent.token)
    WebDriverWait(browser, 5).until(ready.presence_of_element_located((By.ID, "sign-out")))
    assert browser.find_element(By.ID, "viewer-name").text == "browser-token"
    assert not browser.find_elements(By.LINK_TEXT, "Audit log")


def test_a_message_posted_over_mcp_appears_within_a_second_without_a_reload(dash, browser):
    agent = Agent(dash, "live-poster")
    session = agent.session("Live feed check")
    for n in range(3):
        agent.post(session, f"warm-up {n}: **markdown** and `code`")
    sign_in(browser, dash, password=PASSWORD, path=f"/ui/sessions/{session}")
    feed_live(browser)
    browser.execute_script("window.__marker = 'same page'")
    posted = time.monotonic()
    message_id = agent.post(session, "fresh from an agent ```\nprint('hi')\n```")
    WebDriverWait(browser, 1.0, poll_frequency=0.02).until(ready.presence_of_element_located((By.ID, f"m-{message_id}")))
    latency = time.monotonic() - posted
    assert browser.execute_script("return window.__marker") == "same page"  # no reload happened
    assert latency < 1.0
    print(f"live message shown {latency * 1000:.0f} ms after add_message was sent")
    shot(browser, "session-live")


def test_agent_b_never_sees_agent_as_private_message(dash, browser):
    alice, bob = Agent(dash, "alice-b"), Agent(dash, "bob-b")
    session = alice.session("Privacy check")
    early = alice.post(session, "alice's early private note", visibility="private")
    sign_in(browser, dash, token=bob.token, path=f"/ui/sessions/{session}")
    feed_live(browser)
    secret = alice.post(session, "alice's live private note", visibility="private")
    public = alice.post(session, "alice's public note")
    # The feed delivers in order: had the private note been sent, it would be there before the public one.
    WebDriverWait(browser, 3).until(ready.presence_of_element_located((By.ID, f"m-{public}")))
    for check in ("live", "after reload"):
        text = browser.find_element(By.ID, "message-list").text
        assert "public note" in text and "private note" not in text, check
        assert not browser.find_elements(By.ID, f"m-{secret}") and not browser.find_elements(By.ID, f"m-{early}")
        browser.refresh()
        WebDriverWait(browser, 5).until(ready.presence_of_element_located((By.ID, f"m-{public}")))


def test_a_login_that_ends_quietly_shows_signed_out_instead_of_a_sign_in_page_in_the_list(dash, browser):
    """A login that expires (here: its row deleted behind the page's back, with no event) is
    noticed by the next fetch of new messages: the page says "signed out" and appends nothing."""
    import sqlite3
    agent = Agent(dash, "quietly-ended")
    session = agent.session("Quiet expiry")
    agent.post(session, "before")
    sign_in(browser, dash, password=PASSWORD, path=f"/ui/sessions/{session}")
    feed_live(browser)
    database = sqlite3.connect(os.path.join(dash.env["SCS_DATA_DIR"], "scs.db"), timeout=10)
    database.execute("DELETE FROM dashboard_logins")
    database.commit()
    database.close()
    agent.post(session, "after the login ended")
    WebDriverWait(browser, 5).until(ready.text_to_be_present_in_element((By.ID, "feed-state"), "signed out"))
    listed = browser.find_element(By.ID, "message-list").text
    assert "after the login ended" not in listed and "Sign in" not in listed and "password" not in listed.lower()
    assert not browser.find_elements(By.CSS_SELECTOR, "#message-list form")
    shot(browser, "session-signed-out")


def test_hostile_content_shows_as_inert_text(dash, browser):
    agent = Agent(dash, "mallory")
    session = agent.session('<img src=x onerror="alert(\'purpose\')">')
    payloads = [
        "<script>alert('script')</script>",
        "<img src=x onerror=\"alert('img')\">",
        "[click me](javascript:alert('link'))",
        "**bold** <b onmouseover=\"alert('b')\">html inside markdown</b> <iframe src=\"https://example.com\"></iframe>",
    ]
    sign_in(browser, dash, password=PASSWORD, path=f"/ui/sessions/{session}")
    feed_live(browser)
    ids = [agent.post(session, content) for content in payloads[:2]]
    WebDriverWait(browser, 3).until(ready.presence_of_element_located((By.ID, f"m-{ids[-1]}")))
    ids += [agent.post(session, content) for content in payloads[2:]]  # live ones and…
    WebDriverWait(browser, 3).until(ready.presence_of_element_located((By.ID, f"m-{ids[-1]}")))
    for _ in ("live", "rendered by the page"):
        with pytest.raises(NoAlertPresentException):
            browser.switch_to.alert.text
        count = browser.execute_script(
            "return document.querySelectorAll('#message-list script, #message-list img, #message-list iframe, "
            "#message-list [onerror], #message-list [onmouseover], a[href^=\"javascript\"]').length")
        assert count == 0
        text = browser.find_element(By.ID, "message-list").text
        assert "<script>alert('script')</script>" in text and "<img src=x onerror=" in text
        assert "[click me](javascript:alert('link'))" in text
        assert browser.find_element(By.CSS_SELECTOR, f"#m-{ids[3]} .content strong").text == "bold"
        assert "<img src=x" in browser.find_element(By.TAG_NAME, "h1").text
        browser.refresh()  # …and the same after a reload
        WebDriverWait(browser, 5).until(ready.presence_of_element_located((By.ID, f"m-{ids[-1]}")))
    shot(browser, "session-hostile")


def test_the_csp_is_sent_and_every_page_works_under_it(dash, browser):
    request = urllib.request.Request(dash.url + "/ui/login")
    with urllib.request.urlopen(request, timeout=5) as response:
        assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    agent = Agent(dash, "csp-agent")
    session = agent.session("CSP check")
    agent.call("set_memory", key="ttl-note", value={"note": "expires"}, session_id=session, expires_in=600)
    agent.post(session, "a message")
    sign_in(browser, dash, password=PASSWORD)
    for path in ("/ui/", f"/ui/sessions/{session}", "/ui/memory", "/ui/agents", "/ui/health", "/ui/audit", "/ui/connect"):
        browser.get(dash.url + path)
        WebDriverWait(browser, 5).until(ready.presence_of_element_located((By.TAG_NAME, "main")))
        assert csp_errors(browser) == [], path
    # The script runs under the CSP: tabs, the theme switch, the reveal button.
    browser.get(dash.url + f"/ui/sessions/{session}")
    feed_live(browser)
    browser.find_element(By.ID, "tab-memory").click()
    assert browser.find_element(By.ID, "memory").is_displayed() and not browser.find_element(By.ID, "messages").is_displayed()
    assert "ttl-note" in browser.find_element(By.ID, "memory").text and "left)" in browser.find_element(By.ID, "memory").text
    browser.find_element(By.ID, "theme-toggle").click()
    theme = browser.execute_script("return document.documentElement.getAttribute('data-theme')")
    assert theme in ("dark", "light")
    browser.get(dash.url + "/ui/connect")
    assert dash.api_key not in browser.page_source
    browser.find_element(By.ID, "reveal-key").click()
    WebDriverWait(browser, 3).until(ready.text_to_be_present_in_element((By.ID, "api-key"), dash.api_key[:8]))
    assert csp_errors(browser) == []


def test_an_admin_restarts_a_worker_from_the_page_and_a_non_admin_cannot(dash, browser):
    def memory_pid():
        request = urllib.request.Request(dash.url + "/health", headers={"X-API-Key": dash.api_key})
        with urllib.request.urlopen(request, timeout=5) as response:
            return next(w["pid"] for w in json.loads(response.read())["workers"] if w["role"] == "memory")

    before = memory_pid()
    sign_in(browser, dash, password=PASSWORD, path="/ui/health")
    Select(browser.find_element(By.ID, "restart-role")).select_by_value("memory")
    browser.find_element(By.ID, "restart-button").click()
    WebDriverWait(browser, 15).until(ready.text_to_be_present_in_element((By.CSS_SELECTOR, ".notice.ok"), "Restarted: memory"))
    after = memory_pid()
    assert after != before
    shot(browser, "health")
    browser.get(dash.url + "/ui/audit?type=worker_restarted")
    assert "worker_restarted" in browser.find_element(By.ID, "audit").text
    # An agent sees the page without the form, and a forged post is refused.
    agent = Agent(dash, "not-an-admin")
    client = Browserless(dash)
    client.sign_in(token=agent.token)
    page = client.request("/ui/health")[2]
    assert "restart-form" not in page and "shown to admins only" in page
    status, _, _ = client.request("/ui/workers/restart", {"role": "memory", "csrf": client.csrf("/ui/health")})
    assert status == 403 and memory_pid() == after


def test_the_operator_registers_rotates_and_revokes_an_agent_and_its_key_is_its_identity(dash, browser):
    from rawhttp import post, tool
    sign_in(browser, dash, password=PASSWORD, path="/ui/agents")
    browser.find_element(By.NAME, "agent_id").send_keys("page-agent")
    browser.find_element(By.ID, "register-button").click()
    key = WebDriverWait(browser, 5).until(ready.presence_of_element_located((By.ID, "agent-key"))).text.strip()
    assert key.startswith("sca_")
    shot(browser, "agent-key")
    # The key opens /mcp and is the agent, with no token.
    status, headers, _ = post(dash, {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}}, key=False, headers={"X-API-Key": key})
    assert status == 200
    created = tool(dash, headers["Mcp-Session-Id"], "create_session", {"purpose": "keyed from the page"}, headers={"X-API-Key": key})
    assert created["structuredContent"]["success"], created
    browser.get(dash.url + "/ui/agents")
    row = browser.find_element(By.CSS_SELECTOR, "tr[data-agent='page-agent']")
    assert "read, write" in row.text
    shot(browser, "agents")
    # Rotated: a new key is shown, the old one is refused at the door.
    row.find_element(By.CSS_SELECTOR, "button[data-action='rotate']").click()
    rotated = WebDriverWait(browser, 5).until(ready.presence_of_element_located((By.ID, "agent-key"))).text.strip()
    assert rotated.startswith("sca_") and rotated != key
    ping = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    deadline = time.monotonic() + 1.5
    while post(dash, ping, key=False, headers={"X-API-Key": key})[0] != 401:
        assert time.monotonic() < deadline, "a rotated-out key still opened /mcp"
        time.sleep(0.05)
    # Revoked: listed as revoked, and the new key is refused too.
    browser.get(dash.url + "/ui/agents")
    browser.find_element(By.CSS_SELECTOR, "tr[data-agent='page-agent'] button[data-action='revoke']").click()
    WebDriverWait(browser, 5).until(ready.text_to_be_present_in_element((By.CSS_SELECTOR, "tr[data-agent='page-agent']"), "revoked"))
    deadline = time.monotonic() + 1.5
    while post(dash, ping, key=False, headers={"X-API-Key": rotated})[0] != 401:
        assert time.monotonic() < deadline, "a revoked key still opened /mcp"
        time.sleep(0.05)
    # An agent signed in to the dashboard sees no such section, and a forged form is refused.
    agent = Agent(dash, "not-the-operator")
    client = Browserless(dash)
    client.sign_in(token=agent.token)
    assert "register-agent" not in client.request("/ui/agents")[2]
    assert client.request("/ui/agents/register", {"agent_id": "sneaky", "agent_type": "claude", "csrf": client.csrf("/ui/agents")})[0] == 403


def test_the_composer_posts_as_the_person_and_wakes_an_agents_long_poll(dash, browser):
    agent = Agent(dash, "waiting-agent")
    session = agent.session("Human in the loop")
    start = agent.post(session, "Should I deploy?")
    answer = {}
    waiter = Agent(dash, "waiting-agent-2")

    def wait():
        answer.update(waiter.call("wait_for_messages", session_id=session, after_message_id=start, timeout_seconds=20))

    thread = threading.Thread(target=wait)
    thread.start()
    sign_in(browser, dash, password=PASSWORD, path=f"/ui/sessions/{session}")
    feed_live(browser)
    browser.find_element(By.ID, "composer-content").send_keys("Yes, go ahead.")
    browser.find_element(By.ID, "composer-send").click()
    thread.join(timeout=25)
    assert not thread.is_alive()
    assert [(m["sender"], m["sender_type"], m["content"]) for m in answer["messages"]] == [("dashboard:operator", "human", "Yes, go ahead.")]
    WebDriverWait(browser, 5).until(ready.text_to_be_present_in_element((By.ID, "message-list"), "Yes, go ahead."))


def test_screenshots_of_the_pages_light_dark_and_narrow(dash):
    agent = Agent(dash, "claude-planner")
    helper = Agent(dash, "gemini-coder")
    session = agent.session("Refactor the billing module")
    first = agent.post(session, "## Plan\n1. Split `Invoice` into its own file\n2. Add tests for **rounding**", metadata={"message_type": "plan"})
    helper.post(session, "On it. Here is the first cut:\n```swift\nstruct Invoice { var cents: Int }\n```", parent_message_id=first)
    agent.post(session, "Looks good — note for myself only", visibility="private")
    agent.call("set_memory", key="billing/status", value={"step": 2, "blocked": False}, session_id=session, expires_in=7200)
    for width, height, dark, name in ((1280, 900, False, "light"), (1280, 900, True, "dark"), (420, 860, False, "narrow")):
        driver = make_browser(width, height, dark)
        try:
            sign_in(driver, dash, password=PASSWORD, path=f"/ui/sessions/{session}")
            feed_live(driver)
            if dark:
                driver.execute_script("localStorage.setItem('scs-theme','dark'); document.documentElement.setAttribute('data-theme','dark')")
            shot(driver, f"session-{name}")
            driver.get(dash.url + "/ui/")
            shot(driver, f"sessions-{name}")
            assert driver.execute_script("return document.documentElement.scrollWidth <= window.innerWidth + 1"), name
        finally:
            driver.quit()
