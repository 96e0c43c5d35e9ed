import Foundation
import SCSCore
import SCSMCP
import SCSTesting
import Testing
import OrderedCollections

@Suite("tools/list")
struct ToolListingTests {
    static let fixture = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/tools-list.json")

    @Test("tools/list is byte for byte the snapshot (UPDATE_SNAPSHOTS=1 rewrites it on purpose)")
    func snapshot() async throws {
        try await withTools { tools in
            let request = JSONRPC.Message.request(id: .int(1), method: "tools/list", params: [:])
            let client = MCPClientContext(mcpSessionID: "0123456789abcdef0123456789abcdef", hasSession: true, apiKeyValid: true)
            let bytes = try #require(await tools.server.respond(request, client: client))
            if ProcessInfo.processInfo.environment["UPDATE_SNAPSHOTS"] == "1" {
                try Data(bytes).write(to: Self.fixture)
            }
            let expected = try #require(Bundle.module.url(forResource: "tools-list", withExtension: "json", subdirectory: "Fixtures"))
            #expect(Array(try Data(contentsOf: expected)) == bytes, "tools/list changed: run UPDATE_SNAPSHOTS=1 swift test --filter ToolListingTests on purpose")
            let listed = try JSONValue.parse(bytes)["result"]?["tools"]?.arrayValue ?? []
            #expect(listed.count == 23)
            #expect(Set(listed.compactMap { $0["name"]?.stringValue }).count == 23)
        }
    }
}
