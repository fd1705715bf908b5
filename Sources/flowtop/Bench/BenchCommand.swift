import ArgumentParser

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure flowtop's hot paths and print the figures (build with -c release first).",
        discussion: """
            swift build -c release && .build/release/flowtop bench sse
            Figures from a debug build are not representative; the command says so when it is one.
            """,
        subcommands: [SSEBenchCommand.self, WorkflowBenchCommand.self, DashboardBenchCommand.self, ServeBenchCommand.self, AttachBenchCommand.self]
    )
}

/// Warns once when the figures come from an unoptimised build.
func warnIfDebugBuild() {
    #if DEBUG
    printError("flowtop: warning: this is a debug build; build with `swift build -c release` for real figures")
    #endif
}
