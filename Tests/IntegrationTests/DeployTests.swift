import Foundation
import Testing

@Suite("deploy/")
struct DeployTests {
    static let deploy = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("deploy")

    static var systemdAnalyze: String? {
        ["/usr/bin/systemd-analyze", "/bin/systemd-analyze"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    @Test("the unit has what a supervised notify service needs")
    func unitContents() throws {
        let unit = try String(contentsOf: Self.deploy.appendingPathComponent("scs.service"), encoding: .utf8)
        for line in [
            "Type=notify", "WatchdogSec=", "Restart=on-failure", "KillMode=mixed", "RuntimeDirectory=scs", "StateDirectory=scs",
            "EnvironmentFile=", "NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes",
            "ExecReload=/bin/kill -HUP $MAINPID",
        ] {
            #expect(unit.contains(line), "missing \(line)")
        }
        let example = try String(contentsOf: Self.deploy.appendingPathComponent("scs.env.example"), encoding: .utf8)
        #expect(example.contains("API_KEY=\n") && example.contains("JWT_SECRET_KEY=\n"))
    }

    @Test("systemd-analyze verify accepts the unit", .enabled(if: DeployTests.systemdAnalyze != nil))
    func verify() async throws {
        let sandbox = try Sandbox()
        defer { sandbox.remove() }
        // Verify the unit as shipped, with ExecStart and EnvironmentFile pointing at files that exist here.
        let unit = try String(contentsOf: Self.deploy.appendingPathComponent("scs.service"), encoding: .utf8)
            .replacingOccurrences(of: "/usr/local/bin/scs", with: SCSProcess.binary)
            .replacingOccurrences(of: "/etc/scs/scs.env", with: sandbox.root + "/scs.env")
        try "API_KEY=x\n".write(toFile: sandbox.root + "/scs.env", atomically: true, encoding: .utf8)
        let path = sandbox.root + "/scs.service"
        try unit.write(toFile: path, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.systemdAnalyze!)
        process.arguments = ["verify", path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let (status, text) = await ProcessWait.finish(process, output: output)
        // Lines about the host (no running systemd in a container, other units) are not about this unit.
        let complaints = text.split(separator: "\n").filter { $0.contains("scs.service") }
        #expect(status == 0 || complaints.isEmpty, "\(text)")
        #expect(complaints.isEmpty, "\(complaints)")
    }
}
