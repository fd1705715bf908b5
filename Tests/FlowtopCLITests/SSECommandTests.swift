import Foundation
import Testing

extension FlowtopBinaryTests {
@Suite("flowtop sse and the root command")
struct SSECommandTests {
    @Test func versionAndHelp() async throws {
        let version = try await FlowtopBinary.run(["--version"])
        #expect(version.status == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: ".").count == 3)
        let help = try await FlowtopBinary.run(["--help"])
        #expect(help.status == 0)
        #expect(help.stdout.contains("sse"))
        #expect(!help.stdout.contains("bench"), "the benchmarks live in flowtop-bench")
    }

    @Test func decodePrintsMessageEventFields() async throws {
        let input = "retry: 2000\nid: 1\nevent: agent_started\ndata: {\"agent\":\"Researcher\"}\n\n"
            + ": keepalive\n\ndata: {\"text\": \"Sun\\n\"}\r\ndata: line 2\r\n\r\n"
        let result = try await FlowtopBinary.run(["sse", "decode"], input: Array(input.utf8))
        #expect(result.status == 0)
        #expect(result.stderr.isEmpty)
        #expect(result.stdout == """
            {"type":"agent_started","data":"{\\"agent\\":\\"Researcher\\"}","lastEventId":"1","retry":2000}
            {"type":"message","data":"{\\"text\\": \\"Sun\\\\n\\"}\\nline 2","lastEventId":"1"}

            """)
    }

    @Test func decodeReadsAFileAndCounts() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("flowtop-\(UUID()).sse")
        defer { try? FileManager.default.removeItem(at: file) }
        var text = ""
        for index in 0..<1000 { text += "id: \(index)\ndata: {\"text\":\" w\"}\n\n" }
        try Data(text.utf8).write(to: file)
        let result = try await FlowtopBinary.run(["sse", "decode", "--count", file.path])
        #expect(result.status == 0)
        #expect(result.stdout == "1000\n")
    }

    @Test func decodeWarnsAboutAnUnterminatedEvent() async throws {
        let result = try await FlowtopBinary.run(["sse", "decode"], input: Array("data: a\n\ndata: cut".utf8))
        #expect(result.status == 0)
        #expect(result.stdout == "{\"type\":\"message\",\"data\":\"a\",\"lastEventId\":\"\"}\n")
        #expect(result.stderr.contains("ended inside an event"))
    }

    @Test func decodeFailsClearlyOnALimit() async throws {
        let input = "data: ok\n\ndata: " + String(repeating: "x", count: 200) + "\n\n"
        let result = try await FlowtopBinary.run(["sse", "decode", "--max-line-length", "100"], input: Array(input.utf8))
        #expect(result.status == 1)
        #expect(result.stdout == "{\"type\":\"message\",\"data\":\"ok\",\"lastEventId\":\"\"}\n")
        #expect(result.stderr == "flowtop: error: standard input: a line starting at byte 10 is longer than the limit of 100 bytes\n")
    }

    @Test func decodeFailsClearlyOnAMissingFile() async throws {
        let result = try await FlowtopBinary.run(["sse", "decode", "/nonexistent/stream.sse"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("cannot open /nonexistent/stream.sse"))
    }

    @Test func encodeThenDecodeGivesTheSameLines() async throws {
        let lines = """
            {"type":"agent_started","data":"{\\"agent\\":\\"Writer\\"}","lastEventId":"5","retry":100}
            {"comment":"keepalive"}
            {"data":"multi\\nline 世界","lastEventId":"6"}
            {"type":"message","data":"","lastEventId":""}

            """
        let encoded = try await FlowtopBinary.run(["sse", "encode"], input: Array(lines.utf8))
        #expect(encoded.status == 0)
        #expect(encoded.stdout.contains(": keepalive\n"))
        let decoded = try await FlowtopBinary.run(["sse", "decode"], input: Array(encoded.stdout.utf8))
        #expect(decoded.stdout == """
            {"type":"agent_started","data":"{\\"agent\\":\\"Writer\\"}","lastEventId":"5","retry":100}
            {"type":"message","data":"multi\\nline 世界","lastEventId":"6"}
            {"type":"message","data":"","lastEventId":""}

            """)
    }

    @Test func encodeNamesTheBadLine() async throws {
        let result = try await FlowtopBinary.run(["sse", "encode"], input: Array("{\"data\":\"ok\"}\n{\"data\": 3}\n".utf8))
        #expect(result.status == 1)
        #expect(result.stderr.contains("standard input:2:"))
        #expect(result.stdout == "data: ok\n\n")
    }

    @Test func encodeRefusesAnIdWithALineBreak() async throws {
        let result = try await FlowtopBinary.run(["sse", "encode"], input: Array("{\"data\":\"x\",\"lastEventId\":\"a\\nb\"}\n".utf8))
        #expect(result.status == 1)
        #expect(result.stderr.contains("line break"))
    }
}
}
