import Foundation
@testable import SCSAuth
import Testing

@Suite("Dashboard sign-in: password, signed cookie, CSRF, throttle")
struct DashboardSignInTests {
    @Test("ADMIN_PASSWORD and ADMIN_PASSWORD_HASH verify the right password only; neither set means no password")
    func passwords() throws {
        #expect(try DashboardPassword(password: nil, hash: nil) == nil)
        #expect(try DashboardPassword(password: "", hash: "") == nil)
        #expect(throws: DashboardPasswordError.self) { try DashboardPassword(password: "short", hash: nil) }
        let plain = try #require(try DashboardPassword(password: "correct horse battery", hash: nil))
        #expect(plain.verify("correct horse battery"))
        #expect(!plain.verify("correct horse batter") && !plain.verify("") && !plain.verify(String(repeating: "x", count: 2_000)))

        // A small work factor keeps the test fast; the format and the check are the same.
        let stored = try DashboardPassword.hash("correct horse battery", parameters: .init(log2N: 10, r: 8, p: 1))
        #expect(stored.hasPrefix("scrypt$10$8$1$") && !stored.contains("correct"))
        let hashed = try #require(try DashboardPassword(password: "ignored when a hash is set", hash: stored))
        #expect(hashed.verify("correct horse battery"))
        #expect(!hashed.verify("ignored when a hash is set") && !hashed.verify("Correct horse battery"))
        // Two hashes of one password differ (random salt).
        #expect(try DashboardPassword.hash("correct horse battery", parameters: .init(log2N: 10, r: 8, p: 1)) != stored)
        for bad in ["scrypt$10$8$1$c2FsdA", "bcrypt$10$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "scrypt$40$8$1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA"] {
            #expect(throws: DashboardPasswordError.self) { try DashboardPassword(password: nil, hash: bad) }
        }
    }

    @Test("a cookie opens under the same JWT secret until it expires; any change, another secret or expiry refuses it")
    func cookies() throws {
        let cookies = DashboardCookie(jwtSecretKey: String(repeating: "s", count: 40))
        let value = cookies.seal(sessionID: "login-1", expiresAt: 2_000)
        let opened = try #require(cookies.open(value, now: 1_000))
        #expect(opened.sessionID == "login-1" && opened.expiresAt == 2_000)
        // Another process with the same secret (a restart, another node) opens it too.
        #expect(DashboardCookie(jwtSecretKey: String(repeating: "s", count: 40)).open(value, now: 1_000)?.sessionID == "login-1")
        #expect(DashboardCookie(jwtSecretKey: String(repeating: "t", count: 40)).open(value, now: 1_000) == nil)
        #expect(cookies.open(value, now: 2_000) == nil)
        let forged = value.replacingOccurrences(of: ".2000.", with: ".9999999999.")
        #expect(forged != value && cookies.open(forged, now: 1_000) == nil)
        for garbage in ["", "a.b", "a.b.c.d", String(repeating: "A", count: 600), value + "x"] { #expect(cookies.open(garbage, now: 1_000) == nil) }
    }

    @Test("a CSRF token belongs to one login session and is not the cookie's signature")
    func csrf() {
        let cookies = DashboardCookie(jwtSecretKey: String(repeating: "s", count: 40))
        let token = cookies.csrfToken(for: "login-1")
        #expect(cookies.checkCSRF(token, for: "login-1"))
        #expect(!cookies.checkCSRF(token, for: "login-2") && !cookies.checkCSRF(nil, for: "login-1") && !cookies.checkCSRF("", for: "login-1"))
        #expect(!cookies.seal(sessionID: "login-1", expiresAt: 2_000).hasSuffix(token))
    }

    @Test("failed sign-ins: the sixth within a minute waits; success clears; other addresses are not affected; memory is bounded")
    func throttle() {
        let throttle = LoginThrottle(allowed: 5, window: 60, maximumClients: 100)
        for second in 0..<5 {
            #expect(throttle.retryAfter("10.0.0.1", now: Double(second)) == 0)
            throttle.recordFailure("10.0.0.1", now: Double(second))
        }
        #expect(throttle.retryAfter("10.0.0.1", now: 10) == 50)
        #expect(throttle.retryAfter("10.0.0.2", now: 10) == 0)
        #expect(throttle.retryAfter("10.0.0.1", now: 61) == 0)
        throttle.recordSuccess("10.0.0.1")
        #expect(throttle.retryAfter("10.0.0.1", now: 11) == 0)
        for client in 0..<1_000 { throttle.recordFailure("client-\(client)", now: 100) }
        #expect(throttle.trackedClients <= 100)
    }

    @Test("attempts in flight count: 40 sign-ins sent together from one address get 5 places, the rest wait")
    func attemptsInFlight() {
        let throttle = LoginThrottle(allowed: 5, window: 60)
        var admitted: [LoginThrottle.Attempt] = []
        var refused = 0
        for _ in 0..<40 {
            switch throttle.begin("10.0.0.9", now: 0) {
            case .admitted(let attempt): admitted.append(attempt)
            case .refused(let wait):
                refused += 1
                #expect(wait >= 1)
            }
        }
        #expect(admitted.count == 5 && refused == 35 && throttle.attemptsInFlight == 5)
        for attempt in admitted { throttle.finish(attempt, .failure, now: 1) }
        #expect(throttle.attemptsInFlight == 0)
        guard case .refused(let wait) = throttle.begin("10.0.0.9", now: 2) else { Issue.record("a sixth attempt was admitted"); return }
        #expect(wait == 59)
        // An expired form counts for nothing.
        guard case .admitted(let other) = throttle.begin("10.0.0.10", now: 2) else { Issue.record("refused"); return }
        throttle.finish(other, .abandoned, now: 2)
        #expect(throttle.retryAfter("10.0.0.10", now: 2) == 0)
    }

    @Test("a server-wide failure budget stops guesses spread over many addresses")
    func globalBudget() {
        let throttle = LoginThrottle(allowed: 5, window: 60, globalAllowed: 100)
        for client in 0..<100 {
            guard case .admitted(let attempt) = throttle.begin("10.1.0.\(client)", now: 10) else { Issue.record("refused early"); return }
            throttle.finish(attempt, .failure, now: 10)
        }
        guard case .refused(let wait) = throttle.begin("192.0.2.1", now: 20) else { Issue.record("admitted past the budget"); return }
        #expect(wait == 50)
        guard case .admitted = throttle.begin("192.0.2.1", now: 71) else { Issue.record("still refused after the window"); return }
    }

    @Test("operator logins are bound to the password in force; the idle lifetime slides up to the absolute one")
    func operatorFingerprint() throws {
        let cookie = DashboardCookie(jwtSecretKey: String(repeating: "k", count: 40))
        let first = try #require(try DashboardPassword(password: "first password here", hash: nil))
        let second = try #require(try DashboardPassword(password: "second password here", hash: nil))
        #expect(cookie.operatorFingerprint(first) == cookie.operatorFingerprint(first))
        #expect(cookie.operatorFingerprint(first) != cookie.operatorFingerprint(second))
        #expect(!cookie.operatorFingerprint(first).contains("first"))
        #expect(DashboardCookie.renewedExpiry(createdAt: 0, now: 100) == 100 + DashboardCookie.lifetime)
        #expect(DashboardCookie.renewedExpiry(createdAt: 0, now: DashboardCookie.absoluteLifetime - 10) == DashboardCookie.absoluteLifetime)
        #expect(throws: DashboardPasswordError.self) { try DashboardPassword(password: "elevenchars", hash: nil) }
    }
}
