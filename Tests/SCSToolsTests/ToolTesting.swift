import SCSCore
import SCSTesting
import OrderedCollections

/// Runs `body` with a fresh harness (its database removed afterwards, also when the body throws).
func withTools(
    clock: any WallClock = SystemClock(), resultBudget: Int = Limits.resultBytes, adminKeyRequired: Bool = false, longestWait: Double = 5,
    _ body: (ToolHarness) async throws -> Void
) async throws {
    let tools = try ToolHarness(clock: clock, resultBudget: resultBudget, adminKeyRequired: adminKeyRequired, longestWait: longestWait)
    do {
        try await body(tools)
    } catch {
        await tools.remove()
        throw error
    }
    await tools.remove()
}

extension ToolHarness.Reply {
    /// The ids of a `messages` list in the answer.
    var messageIDs: [Int64] { (object["messages"]?.arrayValue ?? []).compactMap { $0["id"]?.intValue } }
    var int: (String) -> Int64? { { object[$0]?.intValue } }
}
