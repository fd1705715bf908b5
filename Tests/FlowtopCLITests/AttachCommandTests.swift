import Foundation
import LoopbackHTTP
import Testing

extension FlowtopBinaryTests {
@Suite("flowtop attach and replay")
struct AttachCommandTests {
    /// flowtop-format SSE bytes of a scripted run, as `flowtop serve` would send them: `flowtop run --json` lines
    /// turned into events with `id:` = seq (through `flowtop sse encode`).
    static func scriptedRun(workflow: String = "handoff") async throws -> (jsonLines: [String], sse: [UInt8]) {
        let run = try await FlowtopBinary.run(["run", "--json", "--workflow", workflow, "What's the weather in Tokyo right now?"])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        var input = ""
        for line in lines {
            let seq = line.range(of: "\"seq\":").map { line[$0.upperBound...].prefix { $0.isNumber } } ?? ""
            var quoted = ""
            for scalar in line.unicodeScalars {
                switch scalar {
                case "\"": quoted += "\\\""
                case "\\": quoted += "\\\\"
                default: quoted.unicodeScalars.append(scalar)
                }
            }
            input += "{\"data\":\"\(quoted)\",\"lastEventId\":\"\(seq)\"}\n"
        }
        let encoded = try await FlowtopBinary.run(["sse", "encode"], input: Array(input.utf8))
        #expect(encoded.status == 0, "\(encoded.stderr)")
        return (lines, Array(encoded.stdout.utf8))
    }

    @Test func jsonOutputMatchesTheRun() async throws {
        let (lines, sse) = try await Self.scriptedRun()
        let server = LoopbackServer(responses: [.eventStream(ScriptedResponse.chunks(of: sse, size: 61))])
        try await server.start()
        defer { Task { await server.shutdown() } }
        let result = try await FlowtopBinary.run(["attach", server.baseURL + "/api/workflow/stream", "--message", "Tokyo?", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.split(separator: "\n").map(String.init) == lines)
        #expect(server.requests.first?.bodyText == "{\"message\":\"Tokyo?\"}")
        #expect(server.requests.first?.method == "POST")
    }

    @Test func plainOutputMatchesTheRun() async throws {
        let (_, sse) = try await Self.scriptedRun()
        let server = LoopbackServer(responses: [.eventStream(ScriptedResponse.chunks(of: sse, size: 200))])
        try await server.start()
        defer { Task { await server.shutdown() } }
        let result = try await FlowtopBinary.run(["attach", server.baseURL + "/s", "--plain", "--format", "flowtop"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("── Triage → Weather · "))
        #expect(result.stdout.contains("⚙ get_weather("))
        #expect(result.stdout.contains("✔ completed"))
    }

    @Test func unauthorisedShowsTheServersMessageAndNoKey() async throws {
        let server = LoopbackServer(responses: [.json(status: 401, "{\"error\":\"invalid key sk-test-9876\"}")])
        try await server.start()
        defer { Task { await server.shutdown() } }
        let result = try await FlowtopBinary.run(["attach", server.baseURL + "/s", "--json", "--api-key", "sk-test-9876"])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "flowtop: error: \(server.baseURL)/s answered 401 Unauthorized: invalid key <redacted>\n")
        #expect(server.requests.first?.header("authorization") == "Bearer sk-test-9876")
    }

    @Test func serverErrorAndGarbage() async throws {
        let server = LoopbackServer(responses: [.body(status: 500, contentType: "text/plain", "boom\nTraceback: …")])
        try await server.start()
        defer { Task { await server.shutdown() } }
        let result = try await FlowtopBinary.run(["attach", server.baseURL + "/s", "--plain"])
        #expect(result.status == 1)
        #expect(result.stderr.contains("answered 500 Internal Server Error: boom Traceback: …"))

        let garbage = LoopbackServer(responses: [.eventStream([.bytes(Array("data: {{{\n\ndata: {\"text\":\"hello\"}\n\n".utf8))])])
        try await garbage.start()
        defer { Task { await garbage.shutdown() } }
        let text = try await FlowtopBinary.run(["attach", garbage.baseURL + "/s", "--plain", "--agent", "Bot"])
        #expect(text.stdout.contains("[Bot]"))
        #expect(text.stdout.contains("hello"))

        let unknown = LoopbackServer(responses: [.eventStream([.bytes(Array((
            "id: 1\ndata: {\"type\":\"workflow_started\",\"run_id\":\"r\",\"workflow\":\"w\",\"participants\":[],\"seq\":1,\"ts\":1}\n\n"
            + "id: 2\ndata: {\"type\":\"mystery\",\"seq\":2}\n\nid: 3\ndata: {\"type\":\"mystery\",\"seq\":3}\n\n"
            + "id: 4\ndata: {\"type\":\"done\",\"usage\":{\"input_tokens\":0,\"output_tokens\":0},\"duration_ms\":1,\"seq\":4,\"ts\":2}\n\n").utf8))])])
        try await unknown.start()
        defer { Task { await unknown.shutdown() } }
        let counted = try await FlowtopBinary.run(["attach", unknown.baseURL + "/s", "--plain"])
        #expect(counted.status == 0, "\(counted.stderr)")
        #expect(counted.stdout.contains("unknown event type \"mystery\""))
        #expect(counted.stderr.contains("flowtop: unknown event types (skipped): mystery ×2"))
    }

    @Test func recordThenReplayGivesTheSameOutput() async throws {
        let folder = FileManager.default.temporaryDirectory
        let demoFile = folder.appendingPathComponent("flowtop-\(UUID()).ndjson").path
        let attachFile = folder.appendingPathComponent("flowtop-\(UUID()).ndjson").path
        defer {
            try? FileManager.default.removeItem(atPath: demoFile)
            try? FileManager.default.removeItem(atPath: attachFile)
        }
        let live = try await FlowtopBinary.run(["run", "--plain", "--workflow", "group-chat", "--record", demoFile, "A haiku about fog"])
        #expect(live.status == 0)
        let replay = try await FlowtopBinary.run(["replay", demoFile, "--plain", "--speed", "max"])
        #expect(replay.status == 0, "\(replay.stderr)")
        #expect(replay.stdout == live.stdout)
        let json = try await FlowtopBinary.run(["replay", demoFile, "--json", "--speed", "max"])
        #expect(json.stdout.split(separator: "\n").first?.contains("\"type\":\"workflow_started\"") == true)

        let (lines, sse) = try await Self.scriptedRun()
        let server = LoopbackServer(responses: [.eventStream([.bytes(sse)])])
        try await server.start()
        defer { Task { await server.shutdown() } }
        let attached = try await FlowtopBinary.run(["attach", server.baseURL + "/s", "--json", "--record", attachFile])
        #expect(attached.status == 0)
        let replayed = try await FlowtopBinary.run(["replay", attachFile, "--json", "--speed", "max"])
        #expect(replayed.stdout.split(separator: "\n").map(String.init) == lines)
    }

    @Test func aTruncatedRecordingReplaysToTheCut() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("flowtop-\(UUID()).ndjson").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        _ = try await FlowtopBinary.run(["run", "--json", "--record", file, "Seattle weather"])
        let bytes = Array(try Data(contentsOf: URL(fileURLWithPath: file)))
        try Data(bytes.prefix(bytes.count / 2)).write(to: URL(fileURLWithPath: file))
        let result = try await FlowtopBinary.run(["replay", file, "--plain", "--speed", "max"])
        #expect(result.stdout.contains("replayed up to the cut"))
        #expect(result.stdout.contains("[Researcher]"))
    }

    @Test func replayPacesLikeTheRecording() async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("flowtop-\(UUID()).ndjson").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        let text = "{\"flowtop_recording\":1,\"source\":\"test\",\"started\":0}\n"
            + "{\"t_ms\":0,\"event\":{\"type\":\"workflow_started\",\"run_id\":\"r\",\"workflow\":\"w\",\"participants\":[\"A\"],\"seq\":1,\"ts\":1}}\n"
            + "{\"t_ms\":800,\"event\":{\"type\":\"done\",\"usage\":{\"input_tokens\":0,\"output_tokens\":0},\"duration_ms\":800,\"seq\":2,\"ts\":1.8}}\n"
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        let clock = ContinuousClock()
        var start = clock.now
        _ = try await FlowtopBinary.run(["replay", file, "--plain"])
        #expect(clock.now - start >= .milliseconds(800))
        start = clock.now
        _ = try await FlowtopBinary.run(["replay", file, "--plain", "--speed", "4"])
        let quick = clock.now - start
        #expect(quick >= .milliseconds(200) && quick < .milliseconds(750))
    }

    @Test func ctrlCDisconnectsPromptly() async throws {
        let server = LoopbackServer(responses: [.eventStream([.bytes(Array("data: {\"text\":\"hello\"}\n\n".utf8)), .pause(milliseconds: 60_000)])])
        try await server.start()
        defer { Task { await server.shutdown() } }
        let clock = ContinuousClock()
        let (start, result) = try await ChildProcess.withRunning(FlowtopBinary.url.path, ["attach", server.baseURL + "/s", "--plain"]) { execution in
            try await Task.sleep(for: .milliseconds(700))
            let start = clock.now
            try execution.send(signal: .interrupt)
            return start
        }
        // The server would hold the stream for a minute: a loaded machine answers Ctrl-C late, never that late.
        #expect(clock.now - start < .seconds(20))
        #expect(result.status == 130)
        #expect(result.stderr.contains("flowtop: stopped by signal; disconnected from the stream"))
    }
}
}
