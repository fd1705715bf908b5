import ArgumentParser
import EventStream
import Foundation

struct SSEEncodeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "encode",
        abstract: "Turn JSON lines (as `sse decode` prints them) back into a text/event-stream.",
        discussion: """
            Each input line is a JSON object: {"type": …, "data": …, "lastEventId": …, "retry": …}. Only "data" \
            is required; "type" defaults to "message", and a missing "lastEventId" keeps the previous one. A line \
            {"comment": "keepalive"} writes a comment. Blank lines are skipped.
            """
    )

    @Argument(help: "The JSON lines to read: a file, or standard input when omitted or '-'.")
    var file: String?

    func run() throws {
        do {
            try encode()
        } catch {
            throw error.exit()
        }
    }

    private struct Line: Decodable {
        var type: String?
        var data: String?
        var lastEventId: String?
        var retry: Int?
        var comment: String?
    }

    private func encode() throws(CommandLineFailure) {
        let source = try ByteSource(path: file)
        var encoder = SSEEncoder()
        var output = StandardOutput()
        var lastEventId = ""
        var lineNumber = 0
        var partial: [UInt8] = []
        let decoder = JSONDecoder()

        func handle(_ bytes: ArraySlice<UInt8>) throws(CommandLineFailure) {
            lineNumber += 1
            guard bytes.contains(where: { !($0 == 0x20 || $0 == 0x09 || $0 == 0x0D) }) else { return }
            let line: Line
            do {
                line = try decoder.decode(Line.self, from: Data(bytes))
            } catch {
                throw CommandLineFailure("\(source.name):\(lineNumber): not a JSON object of an event: \(Self.reason(error))")
            }
            if let comment = line.comment {
                output.append(SSEEncoder.comment(comment))
                return
            }
            guard let data = line.data else {
                throw CommandLineFailure("\(source.name):\(lineNumber): \"data\" is missing (or give \"comment\")")
            }
            if let id = line.lastEventId { lastEventId = id }
            let event = SSEEvent(type: line.type ?? "message", data: data, id: lastEventId, retry: line.retry)
            do {
                try encoder.encode(event, into: &output.pendingBuffer)
            } catch {
                throw CommandLineFailure("\(source.name):\(lineNumber): \(error)")
            }
        }

        do {
            try source.forEachChunk { chunk in
                var start = chunk.startIndex
                while let newline = chunk[start...].firstIndex(of: 0x0A) {
                    partial.append(contentsOf: chunk[start..<newline])
                    try handle(partial[...])
                    partial.removeAll(keepingCapacity: true)
                    start = newline + 1
                }
                partial.append(contentsOf: chunk[start...])
                output.flushIfNeeded(force: true)
            }
            if !partial.isEmpty { try handle(partial[...]) }
        } catch let failure as CommandLineFailure {
            output.flush()
            throw failure
        } catch {
            throw CommandLineFailure("\(source.name): \(error)")
        }
        output.flush()
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
            DecodingError.keyNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            return path.isEmpty ? context.debugDescription : "\(path): \(context.debugDescription)"
        case DecodingError.dataCorrupted(let context):
            return context.debugDescription
        default:
            return "\(error)"
        }
    }
}
