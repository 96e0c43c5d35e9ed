import SCSCore
@testable import SCSTools
import Testing
import OrderedCollections

@Suite("Tool result shapes")
struct ToolJSONTests {
    @Test("messages written straight to bytes are the same JSON text as the tree of each message")
    func messagesAsBytes() throws {
        var generator = SystemRandomNumberGenerator()
        let texts = ["plain", "with \"quotes\" and \\ slashes", "line\nbreak\ttab \u{01}", "é 🚀 \u{2028}", "", String(repeating: "long ", count: 80)]
        let metadata: [JSONObject?] = [nil, ["k": "v"], ["n": 3, "f": 2.5, "b": true, "z": .null], ["nested": ["a": [1, 2, ["x": "y"]]]]]
        for _ in 0..<200 {
            let messages = (0..<Int.random(in: 0...6, using: &generator)).map { index in
                Message(
                    id: Int64.random(in: 1...Int64.max, using: &generator), sessionID: "session_\(index)",
                    sender: texts.randomElement(using: &generator)!, senderType: ["claude", "Gemini", "ünï"].randomElement(using: &generator)!,
                    content: texts.randomElement(using: &generator)!, visibility: Visibility.allCases.randomElement(using: &generator)!,
                    messageType: ["agent_response", "x\"y"].randomElement(using: &generator)!, metadata: metadata.randomElement(using: &generator)!,
                    timestamp: [1_764_000_000, 1_764_000_000.123456, 0, -1.5e-7, 1e16].randomElement(using: &generator)!,
                    parentMessageID: Bool.random(using: &generator) ? Int64.random(in: 1...999, using: &generator) : nil)
            }
            let tree = JSONValue.array(messages.map(ToolJSON.message))
            let bytes = ToolJSON.messages(messages)
            #expect(bytes.compactText == tree.compactText)
            #expect(try JSONValue.parse(bytes.compactBytes) == tree)
            // Inside a result object the bytes are written in place.
            #expect(JSONValue.object(["messages": bytes, "count": 1]).compactText == JSONValue.object(["messages": tree, "count": 1]).compactText)
        }
    }
}
