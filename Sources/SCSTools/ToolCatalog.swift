public import SCSMCP

/// The 23 tools: the Python server's 14 (names, parameters, defaults) with the fixes of
/// docs/CONTRACT.md §5, and the 9 new ones, in `tools/list` order. Each is one type in the
/// folder of its group (Auth, Sessions, Messages, Search, Memory, Admin).
public enum ToolCatalog {
    static let all: [any Tool.Type] = [
        AuthenticateAgent.self, RefreshToken.self, CreateSession.self, GetSession.self, AddMessage.self, GetMessages.self,
        SearchContext.self, SearchBySender.self, SearchByTimerange.self, SetMemory.self, GetMemory.self, ListMemory.self,
        GetUsageGuidance.self, GetPerformanceMetrics.self, ListSessions.self, CloseSession.self, DeleteMemory.self,
        RevokeToken.self, GetAuditLog.self, SetMessageVisibility.self, WaitForMessages.self, GetActiveAgents.self,
        GetMessageThread.self,
    ]

    public static func tools(_ env: ToolEnvironment) -> [ToolDefinition] {
        all.map { $0.definition(env) }
    }
}
