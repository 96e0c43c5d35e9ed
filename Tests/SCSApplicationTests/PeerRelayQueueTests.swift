import Foundation
import Logging
import SCSApplication
import SCSAuth
import SCSCore
import SCSLive
import SCSStorage
import SCSTesting
import SCSTools
import Synchronization
import Testing

/// The relay's queues against a channel that fails on demand (no database between nodes needed):
/// revocations and logouts are retried until they go out and never dropped for room.
@Suite("The peer relay's queue of revocations")
struct PeerRelayQueueTests {
    /// A channel whose sends fail while `failing` is set; it records what went out.
    final class FlakyChannel: PeerChannel, Sendable {
        let failing = Mutex(true)
        let sent = WaitableState<[String]>([])
        let attempts = WaitableState(0)

        func send(_ payload: String) async throws {
            attempts.update { $0 += 1 }
            if failing.withLock({ $0 }) { throw StorageError(.unavailable, "the channel is down") }
            sent.update { $0.append(payload) }
        }

        func listen(connected: @Sendable () async -> Void, receive: @Sendable (String) async -> Void) async {
            await connected()
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3_600)) }
        }
    }

    @Test("a revocation and a logout that could not be sent are retried until the channel is back; 20,000 other events do not push them out")
    func urgentAnnouncementsSurvive() async throws {
        let database = try TemporaryDatabase()
        let secrets = SecretsConfiguration(
            apiKey: String(repeating: "a", count: 40), jwtSecretKey: String(repeating: "b", count: 40),
            jwtEncryptionKey: String(repeating: "c", count: 40))
        let events = SessionEvents()
        let channel = FlakyChannel()
        let signer = PeerAnnouncementSigner(jwtSecretKey: secrets.jwtSecretKey)
        let relay = PeerEventRelay(
            channel: channel, events: events, storage: database.storage,
            tokens: TokenService(store: database.storage, secrets: secrets, configuration: AuthConfiguration()),
            nodeID: "flaky", signer: signer, clock: SystemClock(), logger: Logger(label: "test.flaky"))
        events.attach(relay)
        let running = Task { await relay.relay() }
        events.publish(.tokenRevoked(digest: "sha256:revoked-while-down"))
        events.publish(.loginEnded(id: "login-ended-while-down"))
        let message = Message(
            id: 1, sessionID: "session_0000000000000001", sender: "a", senderType: "claude", content: "x", visibility: .public,
            messageType: "agent_response", metadata: nil, timestamp: 1, parentMessageID: nil)
        for _ in 0..<20_000 { events.publish(.messageAdded(message)) }
        await events.flush()
        // Several sends fail while the channel is down...
        #expect(await channel.attempts.wait(timeout: 30) { $0 >= 3 })
        // ...then it comes back, and the revocation and the logout go out (the retry has no event to wake it).
        channel.failing.withLock { $0 = false }
        let delivered = await channel.sent.wait(timeout: 15) { sent in
            let text = sent.joined()
            return text.contains("revoked-while-down") && text.contains("login-ended-while-down")
        }
        #expect(delivered)
        for payload in channel.sent.value {
            #expect(signer.open(payload, now: Date().timeIntervalSince1970) != nil)
        }
        running.cancel()
        await running.value
        await database.remove()
    }
}
