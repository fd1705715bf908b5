// swift-tools-version: 6.2
import PackageDescription

/// Our own targets treat every warning as an error (ignored by SwiftPM when flowtop is a remote dependency).
let strict: [SwiftSetting] = [.treatAllWarnings(as: .error)]

let package = Package(
    name: "flowtop",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "flowtop", targets: ["flowtop"]),
        .executable(name: "flowtop-bench", targets: ["flowtop-bench"]),
        .library(name: "EventStream", targets: ["EventStream"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.0.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.4.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
        // OTLP: the generated message types (SwiftProtobuf), gzip bodies, and OTLP/gRPC.
        .package(url: "https://github.com/apple/swift-protobuf", from: "1.39.0"),
        .package(url: "https://github.com/adam-fowler/compress-nio", from: "1.5.0"),
        .package(url: "https://github.com/grpc/grpc-swift-2", from: "2.4.3"),
        .package(url: "https://github.com/grpc/grpc-swift-nio-transport", from: "2.9.2"),
        .package(url: "https://github.com/grpc/grpc-swift-protobuf", from: "2.4.1"),
        // The embedded run store: SQLite compiled in (no system library), its calls on NIO's thread pool.
        .package(url: "https://github.com/vapor/sqlite-nio", from: "1.13.2"),
        // The shared run store (several servers on one PostgreSQL).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        .target(name: "EventStream", swiftSettings: strict),
        .target(
            name: "WorkflowCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        // What flowtop's two HTTP clients (model servers, remote streams) share: bounded body reads, quoting a
        // server's error, secrets and redaction, backoff with jitter, Retry-After.
        .target(
            name: "HTTPExchange",
            dependencies: [
                "WorkflowCore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "ModelClients",
            dependencies: [
                "EventStream", "WorkflowCore", "HTTPExchange", "Wire",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Tools from MCP servers (stdio processes, streamable HTTP): the only module that speaks MCP; WorkflowCore
        // sees resolved `Tool` values only.
        .target(
            name: "MCPTools",
            dependencies: [
                "WorkflowCore", "HTTPExchange",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        .target(name: "Wire", dependencies: ["EventStream", "WorkflowCore"], swiftSettings: strict),
        .target(
            name: "RemoteStream",
            dependencies: [
                "EventStream", "Wire", "WorkflowCore", "HTTPExchange",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // Runs that outlive the process: the store protocol and its values (SQLite and PostgreSQL implement it).
        .target(name: "RunStore", dependencies: ["WorkflowCore", "HTTPExchange"], swiftSettings: strict),
        // The embedded store (the default): one SQLite file in WAL mode.
        .target(
            name: "SQLiteRunStore",
            dependencies: [
                "RunStore", "WorkflowCore",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The shared run store: PostgreSQL through postgres-nio, with runs live across instances (LISTEN/NOTIFY).
        .target(
            name: "PostgresRunStore",
            dependencies: [
                "RunStore", "HTTPExchange",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // The OTLP messages flowtop reads, generated once from Protos/ by scripts/generate-protos and committed.
        .target(
            name: "OTLPProto",
            dependencies: [.product(name: "SwiftProtobuf", package: "swift-protobuf")],
            swiftSettings: strict
        ),
        // Spans become runs: a pure module (no I/O) from OTLP spans to flowtop's WorkflowEvents.
        .target(name: "TraceRunBuilder", dependencies: ["WorkflowCore"], swiftSettings: strict),
        // The OTLP/HTTP receiver: decoding (protobuf, JSON, gzip), the answers, the Hummingbird routes any router
        // can carry, and the runs the traces feed.
        .target(
            name: "TraceIngest",
            dependencies: [
                "OTLPProto", "TraceRunBuilder", "WorkflowCore",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: strict
        ),
        // OTLP/gRPC (port 4317): the three Export services over grpc-swift 2; only `flowtop otel` needs it.
        .target(
            name: "TraceGRPC",
            dependencies: [
                "OTLPProto", "TraceIngest",
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "WorkflowServer",
            dependencies: [
                "Wire", "WorkflowCore", "TraceIngest", "RunStore", "HTTPExchange",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        .target(
            name: "Dashboard",
            dependencies: ["WorkflowCore", .product(name: "Yams", package: "Yams")],
            swiftSettings: strict
        ),
        // No pkgConfig: Debian's ncursesw.pc adds -D flags SwiftPM refuses (with a warning); the module map links
        // ncursesw and tinfo directly and the header lives in the default include path.
        .systemLibrary(name: "CNcursesw", providers: [.apt(["libncurses-dev"])]),
        .target(name: "Terminal", dependencies: ["Dashboard", "CNcursesw"], swiftSettings: strict),
        // The dashboard's UI loop and the backends it runs on (ncurses, in memory), shared by flowtop and its benchmarks.
        .target(name: "DashboardApp", dependencies: ["Dashboard", "Terminal", "WorkflowCore"], swiftSettings: strict),
        .executableTarget(
            name: "flowtop",
            dependencies: [
                "EventStream", "WorkflowCore", "HTTPExchange", "ModelClients", "Wire", "RemoteStream", "Dashboard",
                "DashboardApp", "Terminal", "WorkflowServer", "MCPTools", "TraceIngest", "TraceGRPC", "RunStore",
                "RunStoreOpening",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The benchmarks, kept out of the product binary (as Hummingbird keeps its own).
        .executableTarget(
            name: "flowtop-bench",
            dependencies: [
                "EventStream", "WorkflowCore", "Wire", "RemoteStream", "Dashboard", "DashboardApp", "WorkflowServer", "MCPTools",
                "TraceIngest", "OTLPProto", "RunStore", "RunStoreOpening", "SQLiteRunStore", "PostgresRunStore",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Benchmarks/FlowtopBench",
            swiftSettings: strict
        ),
        .target(
            name: "LoopbackHTTP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/LoopbackHTTP",
            swiftSettings: strict
        ),
        // Helpers several test targets share (a seeded generator, independent JSON quoting).
        .target(name: "TestSupport", path: "Tests/TestSupport", swiftSettings: strict),
        .testTarget(
            name: "EventStreamTests",
            dependencies: ["EventStream", "TestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        // A `--store` location opened as its store (SQLite here; PostgreSQL beside it), and read from the command line.
        .target(
            name: "RunStoreOpening",
            dependencies: [
                "RunStore", "SQLiteRunStore", "PostgresRunStore", "WorkflowServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict
        ),
        // The contract every RunStore keeps, run against each store on real files (and servers).
        .testTarget(
            name: "RunStoreTests",
            dependencies: [
                "RunStore", "SQLiteRunStore", "PostgresRunStore", "WorkflowCore",
                .product(name: "SQLiteNIO", package: "sqlite-nio"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strict
        ),
        .testTarget(name: "WorkflowCoreTests", dependencies: ["WorkflowCore", "TestSupport"], swiftSettings: strict),
        .testTarget(
            name: "ModelClientsTests",
            dependencies: ["ModelClients", "WorkflowCore", "HTTPExchange", "LoopbackHTTP", "TestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "MCPToolsTests",
            dependencies: ["MCPTools", "WorkflowCore"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
                .testTarget(name: "DashboardTests", dependencies: ["Dashboard", "DashboardApp", "WorkflowCore"], swiftSettings: strict),
        .testTarget(name: "TerminalTests", dependencies: ["Terminal", "Dashboard", "CNcursesw"], swiftSettings: strict),
        .testTarget(
            name: "WireTests",
            dependencies: ["Wire", "WorkflowCore", "EventStream", "TestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "RemoteStreamTests",
            dependencies: ["RemoteStream", "Wire", "WorkflowCore", "Dashboard", "LoopbackHTTP", "TestSupport"],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "WorkflowServerTests",
            dependencies: [
                "WorkflowServer", "Wire", "WorkflowCore", "EventStream", "RemoteStream", "RunStore", "SQLiteRunStore",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "TraceIngestTests",
            dependencies: [
                "TraceIngest", "TraceRunBuilder", "TraceGRPC", "OTLPProto", "WorkflowServer", "WorkflowCore", "Dashboard",
                "TestSupport",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "GRPCCore", package: "grpc-swift-2"),
                .product(name: "GRPCNIOTransportHTTP2", package: "grpc-swift-nio-transport"),
                .product(name: "GRPCProtobuf", package: "grpc-swift-protobuf"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
        .testTarget(
            name: "PostgresRunStoreTests",
            dependencies: [
                "PostgresRunStore", "RunStore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
            ],
            swiftSettings: strict
        ),
        .testTarget(
            name: "FlowtopCLITests",
            dependencies: [
                "flowtop", "flowtop-bench", "LoopbackHTTP",
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "SystemPackage", package: "swift-system"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: strict
        ),
    ],
    swiftLanguageModes: [.v6]
)
