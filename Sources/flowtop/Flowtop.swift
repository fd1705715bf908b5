import ArgumentParser

@main
struct Flowtop: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flowtop",
        abstract: "Watch multi-agent LLM workflows live in your terminal.",
        discussion: """
            flowtop runs, serves and attaches to multi-agent workflows and shows which agent is speaking, what \
            each one streams, which tools run and where control passes.
            """,
        version: FlowtopVersion.current,
        subcommands: [DemoCommand.self, RunCommand.self, ToolsCommand.self, ServeCommand.self, AttachCommand.self, TopCommand.self, OTelCommand.self, ReplayCommand.self, SSECommand.self]
    )
}
