import SCSCore
import SCSMCP

/// Turns live events into `notifications/resources/updated` for the MCP sessions subscribed to
/// a resource they may read (a listener of `SessionEvents`).
enum ResourceNotifier {
    static func forward(_ event: LiveEvent, to hub: NotificationHub) {
        switch event {
        case .messageAdded(let message):
            messageChanged(message, readableBefore: nil, hub: hub)
        case .visibilityChanged(let message, let previous):
            // Who could read it before or can read it now hears of the change.
            var before = message
            before.visibility = previous
            messageChanged(message, readableBefore: before, hub: hub)
        case .memoryChanged(let change):
            ResourceCatalog.memoryChanged(of: [change.agentID], hub: hub)
        case .sessionClosed(let sessionID, _):
            hub.resourcesChanged { uri, _ in uri == "session://\(sessionID)" }
        case .tokenRevoked, .loginEnded:
            break  // The hub checks each subscriber's token before it sends anything.
        }
    }

    static func messageChanged(_ message: Message, readableBefore before: Message?, hub: NotificationHub) {
        let base = "session://\(message.sessionID)"
        hub.resourcesChanged { uri, subscriber in
            (uri == base || uri.hasPrefix(base + "/messages/"))
                && (message.isVisible(to: subscriber) || before?.isVisible(to: subscriber) == true)
        }
    }
}
