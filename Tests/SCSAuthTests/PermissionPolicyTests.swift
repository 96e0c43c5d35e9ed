import SCSAuth
import SCSCore
import Testing

@Suite("Permission policy (determine_permissions)")
struct PermissionPolicyTests {
    let policy = PermissionPolicy.standard

    @Test("requested permissions intersect with what the agent type allows; order kept", arguments: [
        ("claude", ["read", "write"], ["read", "write"]),
        ("claude", ["admin"], ["read"]),
        ("admin", ["read", "write"], ["read", "write"]),
        ("admin", ["read", "write", "admin"], ["read", "write", "admin"]),
        ("ADMIN", ["admin", "read"], ["admin", "read"]),
        ("generic", ["read", "write"], ["read"]),
        ("something-new", ["write"], ["read"]),
        ("", ["read", "write"], ["read"]),
        ("test", ["debug", "root", "write"], ["debug", "write"]),
        ("system", [], ["read"]),
    ])
    func grant(_ agentType: String, _ requested: [String], _ expected: [String]) {
        #expect(policy.grant(agentType: agentType, requested: requested).map(\.rawValue) == expected)
    }

    @Test("admin types are the ones holding admin")
    func adminTypes() {
        #expect(policy.adminTypes == ["admin", "system"])
    }
}
