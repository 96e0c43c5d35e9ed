public import SCSCore

/// Maps an agent type to the permissions it may hold (docs/CONTRACT.md §1): the granted list
/// is the requested one filtered to known permissions the type allows (order kept); an empty
/// result falls back to the default `["read"]`.
public struct PermissionPolicy: Sendable {
    /// Allowed permissions per lower-cased agent type.
    public var agentTypes: [String: [Permission]]
    public var defaultPermissions: [Permission]

    public init(agentTypes: [String: [Permission]], defaultPermissions: [Permission] = [.read]) {
        self.agentTypes = Dictionary(uniqueKeysWithValues: agentTypes.map { (AgentIdentity.fold($0.key), $0.value) })
        self.defaultPermissions = defaultPermissions
    }

    /// The Python server's built-in mapping (plus the types of its bundled JSON config).
    public static let standard = PermissionPolicy(agentTypes: [
        "claude": [.read, .write],
        "gemini": [.read, .write],
        "admin": [.read, .write, .admin, .debug],
        "system": [.read, .write, .admin, .debug],
        "test": [.read, .write, .debug],
        "generic": [.read],
        "readonly": [.read],
        "developer": [.read, .write, .debug],
    ])

    /// The permissions allowed for `agentType` (case-insensitive); unknown types get the default.
    public func allowed(for agentType: String) -> [Permission] {
        agentTypes[AgentIdentity.fold(agentType)] ?? defaultPermissions
    }

    /// `determine_permissions(agent_type, requested)`.
    public func grant(agentType: String, requested: [String]) -> [Permission] {
        let allowed = Set(allowed(for: agentType))
        let known = Set(Permission.known)
        let granted = requested.map(Permission.init(rawValue:)).filter { known.contains($0) && allowed.contains($0) }
        return granted.isEmpty ? defaultPermissions : granted
    }

    /// Agent types that may hold `admin`, for descriptions and guidance.
    public var adminTypes: [String] {
        agentTypes.filter { $0.value.contains(.admin) }.keys.sorted()
    }
}
