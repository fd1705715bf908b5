import ArgumentParser
import Foundation

@main
struct FlowtopBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowtop-bench",
        abstract: "Measure flowtop's hot paths and print the figures (build with -c release first).",
        discussion: """
            swift build -c release && .build/release/flowtop-bench sse
            Each benchmark also measures a reference in the same run (a memchr scan, a raw loopback read) and prints \
            the ratio to it, since the machine's speed varies between sessions. Figures from a debug build are not \
            representative; the command says so when it is one.
            """,
        subcommands: [
            SSEBenchCommand.self, WorkflowBenchCommand.self, DashboardBenchCommand.self, ServeBenchCommand.self,
            AttachBenchCommand.self, SoakCommand.self, MCPBenchCommand.self, OTLPBenchCommand.self, OTLPOpenTraceCommand.self, LiveStoreBenchCommand.self,
            ServeChildCommand.self,
        ]
    )
}

/// A benchmark that cannot go on: printed as `flowtop-bench: error: <message>`.
struct BenchFailure: Error, CustomStringConvertible {
    let message: String
    init(_ message: String) { self.message = message }
    var description: String { message }
}

/// A line on standard error.
func printError(_ message: String) {
    FileHandle.standardError.write(Data((message + "\n").utf8))
}

/// Warns once when the figures come from an unoptimised build.
func warnIfDebugBuild() {
    #if DEBUG
    printError("flowtop-bench: warning: this is a debug build; build with `swift build -c release` for real figures")
    #endif
}
