import SCSCore
public import SCSMCP

/// Turns live events into `notifications/resources/updated` for the MCP sessions subscribed to
/// a resource they may read (docs/ARCHITECTURE.md, "Live events").
public struct ResourceNotifier: LiveEventListener {
    let hub: NotificationHub

    public init(hub: NotificationHub) { self.hub = hub }

    public func hear(_ event: LiveEvent) {
        switch event {
        case .messageAdded(let message):
            messageChanged(message, readableBefore: nil)
        case .visibilityChanged(let message, let previous):
            // Who could read it before or can read it now hears of the change.
            var before = message
            before.visibility = previous
            messageChanged(message, readableBefore: before)
        case .memoryChanged(let change):
            // `agent://<id>/memory` is read by its agent and by admins.
            hub.resourcesChanged { uri, subscriber in
                guard case .memory(let agent)? = ResourceURI(uri) else { return false }
                return agent == change.agentID && (subscriber.agentID == agent || subscriber.isAdmin)
            }
        case .sessionClosed(let sessionID, _):
            hub.resourcesChanged { uri, _ in ResourceURI(uri) == .session(sessionID) }
        case .tokenRevoked, .loginEnded:
            break  // The hub checks each subscriber's token before it sends anything.
        }
    }

    func messageChanged(_ message: Message, readableBefore before: Message?) {
        hub.resourcesChanged { uri, subscriber in
            ResourceURI(uri)?.sessionID == message.sessionID
                && (message.isVisible(to: subscriber) || before?.isVisible(to: subscriber) == true)
        }
    }
}
