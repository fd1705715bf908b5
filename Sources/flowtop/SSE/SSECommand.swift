import ArgumentParser

struct SSECommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sse",
        abstract: "Decode and encode Server-Sent Event streams, for debugging SSE servers.",
        discussion: """
            Both directions use flowtop's own parser, which follows the WHATWG rules a browser's EventSource does.

              curl -sN -X POST http://127.0.0.1:7071/api/workflow/stream -d '{"message":"hi"}' | flowtop sse decode
              flowtop sse decode capture.sse --count
              flowtop sse decode capture.sse | flowtop sse encode
            """,
        subcommands: [SSEDecodeCommand.self, SSEEncodeCommand.self]
    )
}
