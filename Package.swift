// swift-tools-version:6.1
import Foundation
import PackageDescription

/// Language rules shared by every target, tests included: Swift 6 mode and the upcoming features
/// the code is written for.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    // An import is internal unless it says `public import`; a member is visible only from a
    // module the file imports itself.
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "shared-context-server",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "scs", targets: ["scs"]),
        .executable(name: "scs-bench", targets: ["SCSBench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        // Tests only: the MCP Swift SDK's client drives scs serve end to end.
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
    ],
    targets: [
        // Domain: depends on nothing of ours.
        .target(
            name: "SCSCore",
            dependencies: [.product(name: "OrderedCollections", package: "swift-collections")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SCSWire",
            dependencies: [
                "SCSCore", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SCSStorage",
            dependencies: [
                "SCSCore", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "OrderedCollections", package: "swift-collections"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings),
        .target(
            name: "SCSStorageSQLite",
            dependencies: [
                "SCSCore", "SCSStorage",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SCSStoragePostgres",
            dependencies: [
                "SCSCore", "SCSStorage",
                .product(name: "PostgresNIO", package: "postgres-nio"), .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"), .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "DequeModule", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings
        ),
        // A cache prefetch hint for the search scan (C: Swift has no prefetch intrinsic).
        .target(name: "CSCSScan"),
        // Release builds skip the dynamic exclusivity checks in the scoring loops (~9% of a search);
        // debug builds, which run the tests, keep them.
        .target(
            name: "SCSSearch", dependencies: ["SCSCore", "SCSStorage", "CSCSScan"],
            swiftSettings: swiftSettings + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
        ),
        .target(name: "SCSMemory", dependencies: ["SCSCore", "SCSStorage"], swiftSettings: swiftSettings),
        .target(
            name: "SCSWorker",
            dependencies: [
                "SCSCore", "SCSWire", "SCSSearch", "SCSMemory", "SCSStorage",
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SCSSupervisor",
            dependencies: ["SCSCore", "SCSWire", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SCSAuth",
            dependencies: [
                "SCSCore", "SCSStorage", .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SCSMCP",
            dependencies: [
                "SCSCore", "SCSAuth", "SCSStorage", .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Live events: the one event source, long-poll parking, resource notifications and the
        // live feed's fan-out (docs/ARCHITECTURE.md, "Live events").
        .target(name: "SCSLive", dependencies: ["SCSCore", "SCSMCP"], swiftSettings: swiftSettings),
        .target(
            name: "SCSTools",
            dependencies: [
                "SCSCore", "SCSMCP", "SCSAuth", "SCSStorage", "SCSLive", .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "SCSHTTP",
            dependencies: [
                "SCSCore", "SCSMCP", "SCSAuth",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The web dashboard and its live feed (server-rendered pages, the WebSocket).
        .target(
            name: "SCSWeb",
            dependencies: [
                "SCSCore", "SCSAuth", "SCSStorage", "SCSMCP", "SCSLive", "SCSHTTP",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOWebSocket", package: "swift-nio"), .product(name: "Logging", package: "swift-log"),
                .product(name: "OrderedCollections", package: "swift-collections"), .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        // The composition root: wires storage, the supervisor's workers, the tools, housekeeping,
        // worker-event routing and the HTTP endpoints.
        .target(
            name: "SCSApplication",
            dependencies: [
                "SCSCore", "SCSAuth", "SCSStorage", "SCSMCP", "SCSLive", "SCSTools", "SCSSupervisor", "SCSWire", "SCSHTTP", "SCSWeb",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "CoreMetrics", package: "swift-metrics"), .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
            ],
            swiftSettings: swiftSettings
        ),
        // The executable: the only place that picks drivers and logging.
        .executableTarget(
            name: "scs",
            dependencies: [
                "SCSCore", "SCSStorage", "SCSStorageSQLite", "SCSStoragePostgres", "SCSAuth", "SCSSupervisor", "SCSHTTP", "SCSApplication",
                "SCSWorker", "SCSWire",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // Benchmarks (scripts/bench-search); not used by the tests.
        .executableTarget(
            name: "SCSBench",
            dependencies: [
                "SCSCore", "SCSStorage", "SCSStorageSQLite", "SCSSupervisor", "SCSWire",
                .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        .testTarget(name: "SCSCoreTests", dependencies: ["SCSCore"], swiftSettings: swiftSettings),
        .testTarget(name: "SCSWebTests", dependencies: ["SCSWeb", "SCSCore", "SCSLive"], swiftSettings: swiftSettings),
        .testTarget(name: "SCSBenchTests", dependencies: ["SCSBench", "SCSCore"], swiftSettings: swiftSettings),
        .target(
            name: "SCSTesting",
            dependencies: [
                "SCSCore", "SCSStorage", "SCSStorageSQLite", "SCSStoragePostgres", "SCSAuth", "SCSMCP", "SCSTools", "SCSWire", "SCSWorker",
                "SCSApplication",
                .product(name: "Logging", package: "swift-log"), .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings),
        .testTarget(name: "SCSToolsTests", dependencies: ["SCSTools", "SCSCore", "SCSTesting", "SCSMCP", "SCSLive", "SCSStorage", "SCSAuth"], resources: [.copy("Fixtures")], swiftSettings: swiftSettings),
        .testTarget(
            name: "SCSStorageSQLiteTests",
            dependencies: [
                "SCSCore", "SCSStorage", "SCSStorageSQLite", "SCSStoragePostgres", "SCSTesting", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SCSSearchTests", dependencies: ["SCSCore", "SCSStorage", "SCSStorageSQLite", "SCSSearch"], resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SCSMemoryTests", dependencies: ["SCSCore", "SCSStorage", "SCSStorageSQLite", "SCSMemory"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SCSWireTests",
            dependencies: [
                "SCSCore", "SCSWire", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SCSSupervisorTests", dependencies: ["SCSSupervisor", "SCSWire", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings),
        // The storage tests every driver must pass: the same test code on SQLite and PostgreSQL.
        .testTarget(name: "SCSStorageTests", dependencies: ["SCSCore", "SCSStorage", "SCSTesting", "SCSStoragePostgres"], swiftSettings: swiftSettings),
        .testTarget(
            name: "SCSApplicationTests",
            dependencies: ["SCSApplication", "SCSAuth", "SCSCore", "SCSMCP", "SCSStorage", "SCSStoragePostgres", "SCSTesting", "SCSTools", "SCSLive"],
            swiftSettings: swiftSettings),
        .testTarget(
            name: "SCSWorkerTests",
            dependencies: [
                "SCSCore", "SCSStorage", "SCSStorageSQLite", "SCSWire", "SCSWorker", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SCSHTTPTests",
            dependencies: [
                "SCSCore", "SCSAuth", "SCSStorage", "SCSStorageSQLite", "SCSSupervisor", "SCSHTTP", "SCSApplication", "SCSTesting",
                .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"), .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SCSMCPTests", dependencies: ["SCSCore", "SCSMCP"], resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SCSAuthTests", dependencies: ["SCSCore", "SCSAuth", "SCSStorage", "SCSStorageSQLite"], swiftSettings: swiftSettings
        ),
        // Spawns the built `scs` (depending on it makes `swift build --build-tests` build it).
        .testTarget(
            name: "IntegrationTests",
            dependencies: [
                "SCSCore", "SCSStorage", "SCSStorageSQLite", "SCSWire", "SCSSupervisor", "scs",
                .product(name: "Logging", package: "swift-log"), .product(name: "MCP", package: "swift-sdk"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)

// libFuzzer targets (scripts/fuzz builds them with SCS_FUZZ=1 and -sanitize=fuzzer,address into
// .build-fuzz); left out of ordinary builds, whose executables need a main.
if ProcessInfo.processInfo.environment["SCS_FUZZ"] == "1" {
    package.targets += [
        .target(name: "FuzzSupport", swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzJSON", dependencies: ["FuzzSupport", "SCSCore"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "FuzzWire",
            dependencies: [
                "FuzzSupport", "SCSCore", "SCSWire", .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzSchema", dependencies: ["FuzzSupport", "SCSCore", "SCSMCP"], swiftSettings: swiftSettings),
        .executableTarget(name: "FuzzMarkdown", dependencies: ["FuzzSupport", "SCSWeb"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "FuzzMCP",
            dependencies: [
                "FuzzSupport", "SCSCore", "SCSAuth", "SCSMCP", "SCSStorage", "SCSStorageSQLite", "SCSTesting", "SCSTools", "SCSApplication",
                .product(name: "Logging", package: "swift-log"), .product(name: "OrderedCollections", package: "swift-collections"),
            ],
            swiftSettings: swiftSettings),
    ]
}
