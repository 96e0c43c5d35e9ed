public import SCSCore
public import SCSWire
import OrderedCollections

/// `control.status`: every worker's status (operators: `scs workers status`).
public enum ControlStatusMethod: WireMethod {
    public static let name = "control.status"
    public static let role = WireRole.supervisor
    public static let isIdempotentRead = true
    public typealias Params = WireEmpty
    public typealias Result = WireList<WorkerStatus>
}

/// `control.restart`: rolling restart of `search`, `memory` or `all`.
public enum ControlRestartMethod: WireMethod {
    public static let name = "control.restart"
    public static let role = WireRole.supervisor

    public struct Params: WireCodable {
        public var target: String
        public init(target: String) { self.target = target }
        public init(wire: JSONValue) throws(WireError) { target = try wire.string("target") }
        public var wire: JSONValue { ["target": .string(target)] }
    }
    public typealias Result = WireList<WorkerStatus>
}

extension WorkerStatus: WireCodable {
    public init(wire: JSONValue) throws(WireError) {
        guard let role = WireRole(rawValue: try wire.string("role")) else { throw WireError.protocolError("bad role") }
        let report: PingMethod.Result? = if let value = wire["report"] { try PingMethod.Result(wire: value) } else { nil }
        self.init(
            role: role, slot: Int(try wire.int("slot")), pid: wire["pid"]?.intValue.map { Int32(truncatingIfNeeded: $0) },
            state: try wire.string("state"), restarts: Int(try wire.int("restarts")), uptime: try wire.double("uptime_s"),
            degraded: try wire.bool("degraded"), inFlight: Int(try wire.int("in_flight")),
            position: Int(wire["position"]?.intValue ?? 0), report: report)
    }

    public var wire: JSONValue {
        var object: JSONObject = [
            "role": .string(role.rawValue), "slot": .int(Int64(slot)), "pid": pid.map { .int(Int64($0)) } ?? .null,
            "state": .string(state), "restarts": .int(Int64(restarts)), "uptime_s": .double(uptime),
            "degraded": .bool(degraded), "in_flight": .int(Int64(inFlight)), "position": .int(Int64(position)),
        ]
        if let report { object["report"] = report.wire }
        return .object(object)
    }
}

extension Supervisor {
    /// The control socket's methods.
    public var controlRouter: WireRouter {
        var router = WireRouter()
        router.register(ControlStatusMethod.self) { _ in WireList(await self.status()) }
        router.register(ControlRestartMethod.self) { params in
            let role: WireRole?
            switch params.target {
            case "all": role = nil
            case "search": role = .search
            case "memory": role = .memory
            default:
                throw SCSError(code: .invalidInput, message: "restart target must be search, memory or all", severity: .warning)
            }
            do {
                try await self.restart(role)
            } catch let error as SupervisorError {
                throw SCSError(code: SCSError.Code("RESTART_FAILED"), message: error.description)
            }
            return WireList(await self.status())
        }
        return router
    }
}
