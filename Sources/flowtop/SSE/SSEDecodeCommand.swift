import ArgumentParser
import EventStream
import WorkflowCore

struct SSEDecodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "decode",
        abstract: "Print each event a browser would dispatch as one JSON line.",
        discussion: """
            Each line has the fields of a browser's MessageEvent: {"type": …, "data": …, "lastEventId": …}, plus \
            "retry" when a retry field changed the reconnection time. Events are printed as their bytes arrive, so \
            a pipe from `curl -N` shows them live. An event left open when the stream ends is not dispatched (as \
            in a browser); a warning on standard error says so. Exits with status 1 and a message when the stream \
            passes a size limit.
            """
    )

    @Argument(help: "The event stream to read: a file, or standard input when omitted or '-'.")
    var file: String?

    @Flag(help: "Print only the number of events dispatched.")
    var count = false

    @Option(help: "The longest line accepted, in bytes.")
    var maxLineLength = SSELimits.default.maxLineLength

    @Option(help: "The largest event data accepted, in bytes.")
    var maxEventSize = SSELimits.default.maxEventSize

    func validate() throws {
        guard maxLineLength > 0 else { throw ValidationError("--max-line-length must be positive") }
        guard maxEventSize > 0 else { throw ValidationError("--max-event-size must be positive") }
    }

    func run() throws {
        do {
            try decode()
        } catch {
            throw error.exit()
        }
    }

    private func decode() throws(CommandLineFailure) {
        let source = try ByteSource(path: file)
        var parser = SSEParser(limits: SSELimits(maxLineLength: maxLineLength, maxEventSize: maxEventSize))
        var output = StandardOutput()
        let printEvents = !count
        do {
            try source.forEachChunk { chunk in
                try parser.parse(chunk) { event in
                    if printEvents { Self.appendJSONLine(event, to: &output.pendingBuffer) }
                }
                output.flushIfNeeded(force: printEvents)
            }
        } catch let error as SSEParserError {
            output.flush()
            throw CommandLineFailure("\(source.name): \(error)")
        } catch let failure as CommandLineFailure {
            throw failure
        } catch {
            throw CommandLineFailure("\(source.name): \(error)")
        }
        if count { output.append("\(parser.eventCount)\n") }
        output.flush()
        if parser.finish() {
            printError(
                "flowtop: warning: \(source.name) ended inside an event, which was not dispatched "
                    + "(an event needs a blank line after it)")
        }
    }

    static func appendJSONLine(_ event: SSEEvent, to output: inout [UInt8]) {
        var line = #"{"type":"#
        JSONValue.writeQuoted(event.type, to: &line)
        line += #","data":"#
        JSONValue.writeQuoted(event.data, to: &line)
        line += #","lastEventId":"#
        JSONValue.writeQuoted(event.id, to: &line)
        if let retry = event.retry { line += #","retry":\#(retry)"# }
        line += "}\n"
        output.append(contentsOf: line.utf8)
    }
}
